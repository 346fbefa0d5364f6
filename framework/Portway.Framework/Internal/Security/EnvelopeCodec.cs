using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Portway.Internal.Security;

/// <summary>
/// The canonical byte form of an <see cref="Envelope"/>: what HMAC signs and what a frame carries.
/// Layout (big-endian): version u8 · kind u8 · ts i64 · nonce[16] · id, route, trace_id, request_id,
/// reply_to, tenant as (u16 length · UTF-8) · header count u16 · headers sorted by key as
/// (u16 · key · u16 · value) · payload length u32 · payload. The signature is not part of it.
/// </summary>
internal static class EnvelopeCodec
{
    public const byte Version = 1;
    public const int NonceLength = 16;
    public const int SignatureLength = 32;
    public const int FixedLength = 1 + 1 + 8 + NonceLength + 2 + 4;

    /// <summary>Header keys every stage hop and tcp_local frame carries: decoded to these strings, not new ones.</summary>
    private static readonly string[] KnownHeaderKeys = ["hop", "node", "pipeline", "stage", "traceparent"];

    private static readonly Comparison<KeyValuePair<string, string>> HeaderOrder = static (a, b) => string.CompareOrdinal(a.Key, b.Key);

    /// <summary>The canonical length; throws <see cref="EnvelopeFormatException"/> if a field is over its limit.</summary>
    public static int GetLength(Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        long length = FixedLength
            + StringLength(envelope.Id) + StringLength(envelope.Route) + StringLength(envelope.TraceId)
            + StringLength(envelope.RequestId) + StringLength(envelope.ReplyTo) + StringLength(envelope.Tenant)
            + envelope.Payload.Length;
        if (envelope.HeaderCount > ushort.MaxValue)
        {
            throw new EnvelopeFormatException("too many headers");
        }

        if (envelope.HeaderCount > 0)
        {
            foreach (var (key, value) in envelope.Headers)
            {
                length += StringLength(key) + StringLength(value);
            }
        }

        return length > int.MaxValue - SignatureLength ? throw new EnvelopeFormatException("envelope too large") : (int)length;
    }

    /// <summary>Writes the canonical bytes into <paramref name="destination"/> (at least <see cref="GetLength"/> long) and returns the count.</summary>
    public static int Write(Envelope envelope, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var span = destination;
        span[0] = Version;
        span[1] = (byte)envelope.Kind;
        BinaryPrimitives.WriteInt64BigEndian(span[2..], envelope.Ts);
        var nonce = span.Slice(10, NonceLength);
        if (envelope.Nonce.Length == NonceLength) envelope.Nonce.Span.CopyTo(nonce);
        else nonce.Clear();
        var offset = 10 + NonceLength;
        offset += WriteString(span[offset..], envelope.Id);
        offset += WriteString(span[offset..], envelope.Route);
        offset += WriteString(span[offset..], envelope.TraceId);
        offset += WriteString(span[offset..], envelope.RequestId);
        offset += WriteString(span[offset..], envelope.ReplyTo);
        offset += WriteString(span[offset..], envelope.Tenant);
        BinaryPrimitives.WriteUInt16BigEndian(span[offset..], (ushort)envelope.HeaderCount);
        offset += 2;
        if (envelope.HeaderCount > 0)
        {
            offset += WriteHeaders(span[offset..], envelope.Headers);
        }

        BinaryPrimitives.WriteUInt32BigEndian(span[offset..], (uint)envelope.Payload.Length);
        offset += 4;
        envelope.Payload.Span.CopyTo(span[offset..]);
        return offset + envelope.Payload.Length;
    }

    /// <summary>
    /// Reads canonical bytes. Every length is checked against what is left before anything is allocated,
    /// so a hostile length never allocates its claimed size. Throws <see cref="EnvelopeFormatException"/>.
    /// </summary>
    public static Envelope Read(ReadOnlySpan<byte> source, int maxPayloadBytes) => Read(source, maxPayloadBytes, null);

    /// <summary>
    /// <see cref="Read(ReadOnlySpan{byte}, int)"/>, taking the fields that repeat from frame to frame (route, tenant, the
    /// known headers' values but <c>hop</c> and <c>traceparent</c>) from <paramref name="strings"/> when their bytes match.
    /// </summary>
    public static Envelope Read(ReadOnlySpan<byte> source, int maxPayloadBytes, DecodedStrings? strings)
    {
        if (source.Length < FixedLength + (6 * 2))
        {
            throw new EnvelopeFormatException("truncated envelope");
        }

        if (source[0] != Version)
        {
            throw new EnvelopeFormatException($"unknown envelope version {source[0]}");
        }

        var kind = source[1];
        if (kind is < (byte)EnvelopeKind.Request or > (byte)EnvelopeKind.Control)
        {
            throw new EnvelopeFormatException($"unknown envelope kind {kind}");
        }

        var envelope = new Envelope
        {
            Kind = (EnvelopeKind)kind,
            Ts = BinaryPrimitives.ReadInt64BigEndian(source[2..]),
            Nonce = source.Slice(10, NonceLength).ToArray(),
        };
        var offset = 10 + NonceLength;
        envelope.Id = ReadString(source, ref offset);
        envelope.Route = ReadString(source, ref offset, strings, DecodedStrings.Route);
        envelope.TraceId = ReadString(source, ref offset);
        envelope.RequestId = ReadString(source, ref offset);
        envelope.ReplyTo = ReadString(source, ref offset);
        envelope.Tenant = ReadString(source, ref offset, strings, DecodedStrings.Tenant);
        var headerCount = ReadUInt16(source, ref offset);
        if (headerCount > 0)
        {
            // Sized once for the headers the bytes left can hold (4 bytes each at least), so a hostile count allocates nothing large.
            var headers = new Dictionary<string, string>(Math.Min(headerCount, (source.Length - offset) / 4), StringComparer.Ordinal);
            for (var i = 0; i < headerCount; i++)
            {
                var key = ReadHeaderKey(source, ref offset, out var known);
                headers[key] = ReadString(source, ref offset, RepeatingHeader(known) ? strings : null, DecodedStrings.HeaderValues + known);
            }

            envelope.Headers = headers;
        }

        Require(source, offset, 4);
        var payloadLength = BinaryPrimitives.ReadUInt32BigEndian(source[offset..]);
        offset += 4;
        if (payloadLength > (uint)maxPayloadBytes)
        {
            throw new EnvelopeFormatException($"payload of {payloadLength} bytes is over max_payload_bytes ({maxPayloadBytes})", isPayloadTooLarge: true);
        }

        if (payloadLength != (uint)(source.Length - offset))
        {
            throw new EnvelopeFormatException("payload length does not match the envelope");
        }

        envelope.Payload = source[offset..].ToArray();
        return envelope;
    }

    /// <summary>The headers sorted by key (ordinal), without allocating: sorted in a pooled array that is cleared on return.</summary>
    private static int WriteHeaders(Span<byte> destination, Dictionary<string, string> headers)
    {
        var count = headers.Count;
        var sorted = ArrayPool<KeyValuePair<string, string>>.Shared.Rent(count);
        try
        {
            var i = 0;
            foreach (var header in headers)
            {
                sorted[i++] = header;
            }

            var span = sorted.AsSpan(0, count);
            if (count <= 16)
            {
                // A hop's few headers: an insertion sort, no comparison delegate.
                for (var j = 1; j < count; j++)
                {
                    var item = span[j];
                    var k = j - 1;
                    while (k >= 0 && string.CompareOrdinal(span[k].Key, item.Key) > 0)
                    {
                        span[k + 1] = span[k];
                        k--;
                    }

                    span[k + 1] = item;
                }
            }
            else
            {
                span.Sort(HeaderOrder);
            }
            var offset = 0;
            foreach (var (key, value) in span)
            {
                offset += WriteString(destination[offset..], key);
                offset += WriteString(destination[offset..], value);
            }

            return offset;
        }
        finally
        {
            ArrayPool<KeyValuePair<string, string>>.Shared.Return(sorted, clearArray: true);
        }
    }

    private static int StringLength(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        return length > ushort.MaxValue ? throw new EnvelopeFormatException("envelope field over 65535 bytes") : 2 + length;
    }

    private static int WriteString(Span<byte> destination, string value)
    {
        var written = Encoding.UTF8.GetBytes(value, destination[2..]);
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)written);
        return 2 + written;
    }

    private static ushort ReadUInt16(ReadOnlySpan<byte> source, ref int offset)
    {
        Require(source, offset, 2);
        var value = BinaryPrimitives.ReadUInt16BigEndian(source[offset..]);
        offset += 2;
        return value;
    }

    private static string ReadString(ReadOnlySpan<byte> source, ref int offset, DecodedStrings? strings = null, int slot = 0)
    {
        var length = ReadUInt16(source, ref offset);
        Require(source, offset, length);
        var bytes = source.Slice(offset, length);
        var value = length == 0 ? "" : strings is null ? Encoding.UTF8.GetString(bytes) : strings.Get(slot, bytes);
        offset += length;
        return value;
    }

    /// <summary>A known header whose value repeats from hop to hop (<c>node</c>, <c>pipeline</c>, <c>stage</c>; not <c>hop</c> nor <c>traceparent</c>).</summary>
    private static bool RepeatingHeader(int known) => known is 1 or 2 or 3;

    private static string ReadHeaderKey(ReadOnlySpan<byte> source, ref int offset, out int known)
    {
        var length = ReadUInt16(source, ref offset);
        Require(source, offset, length);
        var bytes = source.Slice(offset, length);
        offset += length;
        for (known = 0; known < KnownHeaderKeys.Length; known++)
        {
            var key = KnownHeaderKeys[known];
            if (key.Length == length && Ascii.Equals(bytes, key))
            {
                return key;
            }
        }

        known = -1;
        return length == 0 ? "" : Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Slots a <see cref="DecodedStrings"/> for <see cref="Read(ReadOnlySpan{byte}, int, DecodedStrings)"/> needs.</summary>
    public static int DecodedStringSlots => DecodedStrings.HeaderValues + KnownHeaderKeys.Length;

    private static void Require(ReadOnlySpan<byte> source, int offset, int count)
    {
        if (source.Length - offset < count)
        {
            throw new EnvelopeFormatException("truncated envelope");
        }
    }
}
