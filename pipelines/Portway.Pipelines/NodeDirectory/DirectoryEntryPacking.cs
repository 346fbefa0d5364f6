using System.Buffers.Binary;
using System.Text;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// A <see cref="DirectoryEntry"/>'s id, key and endpoints as one byte array: <c>u8 id length · id (UTF-8) · u16 key
/// length · key · u8 endpoint count · (u16 length · endpoint (UTF-8))*</c>. One object per node instead of one per
/// string and array (each .NET object costs 24 bytes or more before its content). A P-256 key (91 bytes of DER, 27 of
/// them the same for every P-256 key) is kept as its point's 64 bytes, key length <see cref="P256Marker"/>. The input limits
/// (<see cref="DirectoryInput"/>: ids up to 128 ASCII characters, keys up to 4096, 16 endpoints of 512) fit the
/// length fields.
/// </summary>
internal static class DirectoryEntryPacking
{
    /// <summary>The key length field of a P-256 key kept as X||Y (no DER key is this long: keys are at most 4096 bytes).</summary>
    public const ushort P256Marker = ushort.MaxValue;

    /// <summary>What every P-256 SubjectPublicKeyInfo starts with (the algorithm, the curve, the bit string, 04: uncompressed), before X||Y.</summary>
    private static ReadOnlySpan<byte> P256Prefix =>
    [
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
        0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
    ];

    public static byte[] Pack(string id, byte[] key, string[] endpoints)
    {
        // A record read back from JSON may lack a field (a stored entry of another format): pack it empty, and the
        // loader refuses the entry (DirectoryPersistence.Refused) by its empty id or key.
        id ??= "";
        key ??= [];
        endpoints ??= [];
        var idBytes = Encoding.UTF8.GetByteCount(id);
        var p256 = key.Length == P256Prefix.Length + 64 && key.AsSpan().StartsWith(P256Prefix);
        var keyBytes = p256 ? 64 : key.Length;
        var size = 1 + idBytes + 2 + keyBytes + 1;
        foreach (var endpoint in endpoints)
        {
            size += 2 + Encoding.UTF8.GetByteCount(endpoint);
        }

        if (idBytes > byte.MaxValue || key.Length >= P256Marker || endpoints.Length > byte.MaxValue)
        {
            throw new ArgumentException("a directory entry's id, key or endpoints are over the packed form's limits");
        }

        var packed = new byte[size];
        var span = packed.AsSpan();
        span[0] = (byte)idBytes;
        var at = 1 + Encoding.UTF8.GetBytes(id, span[1..]);
        BinaryPrimitives.WriteUInt16LittleEndian(span[at..], p256 ? P256Marker : (ushort)key.Length);
        key.AsSpan(key.Length - keyBytes).CopyTo(span[(at + 2)..]);
        at += 2 + keyBytes;
        span[at++] = (byte)endpoints.Length;
        foreach (var endpoint in endpoints)
        {
            var written = Encoding.UTF8.GetBytes(endpoint, span[(at + 2)..]);
            if (written > ushort.MaxValue)
            {
                throw new ArgumentException("a directory entry's endpoint is over the packed form's limit");
            }

            BinaryPrimitives.WriteUInt16LittleEndian(span[at..], (ushort)written);
            at += 2 + written;
        }

        return packed;
    }

    public static ReadOnlySpan<byte> Id(byte[] packed) => packed.AsSpan(1, packed[0]);

    /// <summary>The key as DER SubjectPublicKeyInfo (a new array).</summary>
    public static byte[] Key(byte[] packed)
    {
        var at = 1 + packed[0];
        var length = BinaryPrimitives.ReadUInt16LittleEndian(packed.AsSpan(at));
        if (length != P256Marker)
        {
            return packed.AsSpan(at + 2, length).ToArray();
        }

        var der = new byte[P256Prefix.Length + 64];
        P256Prefix.CopyTo(der);
        packed.AsSpan(at + 2, 64).CopyTo(der.AsSpan(P256Prefix.Length));
        return der;
    }

    /// <summary>True when the kept key is <paramref name="der"/> (DER SubjectPublicKeyInfo); false for no key.</summary>
    public static bool SameKey(byte[] packed, ReadOnlySpan<byte> der)
    {
        var at = 1 + packed[0];
        var length = BinaryPrimitives.ReadUInt16LittleEndian(packed.AsSpan(at));
        return length == P256Marker
            ? der.Length == P256Prefix.Length + 64 && der.StartsWith(P256Prefix) && der[P256Prefix.Length..].SequenceEqual(packed.AsSpan(at + 2, 64))
            : length > 0 && der.SequenceEqual(packed.AsSpan(at + 2, length));
    }

    /// <summary>True when no key is kept (a stored entry read without one).</summary>
    public static bool NoKey(byte[] packed) => BinaryPrimitives.ReadUInt16LittleEndian(packed.AsSpan(1 + packed[0])) == 0;

    public static string[] Endpoints(byte[] packed)
    {
        var at = 1 + packed[0];
        var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(packed.AsSpan(at));
        at += 2 + (keyLength == P256Marker ? 64 : keyLength);
        var endpoints = new string[packed[at++]];
        for (var i = 0; i < endpoints.Length; i++)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(packed.AsSpan(at));
            endpoints[i] = Encoding.UTF8.GetString(packed, at + 2, length);
            at += 2 + length;
        }

        return endpoints;
    }

    /// <summary>True when the UTF-8 <paramref name="utf8"/> spells <paramref name="id"/>.</summary>
    public static bool SameId(ReadOnlySpan<byte> utf8, string id)
    {
        if (id.Length > DirectoryInput.MaxIdLength * 3)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[Encoding.UTF8.GetMaxByteCount(id.Length)];
        return buffer[..Encoding.UTF8.GetBytes(id, buffer)].SequenceEqual(utf8);
    }

    /// <summary>The hash of an id's UTF-8 bytes (the same for <see cref="SameId"/>-equal ids).</summary>
    public static int Hash(ReadOnlySpan<byte> utf8)
    {
        var hash = new HashCode();
        hash.AddBytes(utf8);
        return hash.ToHashCode();
    }

    /// <summary>The hash of <paramref name="id"/>'s UTF-8 bytes (as <see cref="Hash(ReadOnlySpan{byte})"/>).</summary>
    public static int Hash(string id)
    {
        Span<byte> buffer = stackalloc byte[Encoding.UTF8.GetMaxByteCount(Math.Min(id.Length, DirectoryInput.MaxIdLength * 3))];
        return id.Length > DirectoryInput.MaxIdLength * 3 ? id.Length : Hash(buffer[..Encoding.UTF8.GetBytes(id, buffer)]);
    }
}
