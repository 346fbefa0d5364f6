using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Portway.Internal.Security;

/// <summary>
/// Keyed HMAC-SHA256 (RFC 2104) for the envelope signer, safe to call from any thread, allocation-free.
/// </summary>
/// <remarks>
/// With libcrypto's SHA-256 (<see cref="OpenSslSha256"/>) the keyed inner and outer states are computed once and
/// copied per call: an HMAC of a stage hop's canonical bytes costs about a third of the platform's
/// <see cref="IncrementalHash"/>, whose every call goes through OpenSSL 3's EVP layer. The native path is used only
/// after it reproduced <see cref="HMACSHA256"/> for this key; otherwise each thread keeps one keyed
/// <see cref="IncrementalHash"/>, reset after each use.
/// </remarks>
internal sealed unsafe class HmacSha256 : IDisposable
{
    public const int HashLength = 32;
    private const int BlockLength = 64;

    private readonly ShaContext _innerState;
    private readonly ShaContext _outerState;
    private readonly ThreadLocal<IncrementalHash>? _platform;

    /// <param name="key">The HMAC key.</param>
    /// <param name="preferNative">False to use the platform's HMAC even where libcrypto is found.</param>
    public HmacSha256(ReadOnlySpan<byte> key, bool preferNative = true)
    {
        if (preferNative && OpenSslSha256.IsAvailable)
        {
            KeyStates(key, out _innerState, out _outerState);
            IsNative = true;
            if (ReproducesPlatform(key))
            {
                return;
            }

            IsNative = false;
        }

        var copy = key.ToArray();
        _platform = new ThreadLocal<IncrementalHash>(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, copy), trackAllValues: true);
    }

    /// <summary>Whether the libcrypto path is in use (false: the platform's <see cref="IncrementalHash"/>).</summary>
    public bool IsNative { get; }

    /// <summary>Writes HMAC-SHA256(key, <paramref name="data"/>) to <paramref name="destination"/> (32 bytes).</summary>
    public void Compute(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length < HashLength)
        {
            throw new ArgumentException("the destination must hold 32 bytes", nameof(destination));
        }

        if (!IsNative)
        {
            var hmac = _platform!.Value!;
            hmac.AppendData(data);
            hmac.GetHashAndReset(destination);
            return;
        }

        var context = _innerState;
        var innerHash = stackalloc byte[HashLength];
        var state = (byte*)&context;
        fixed (byte* input = data, output = destination)
        {
            OpenSslSha256.Update(state, input, data.Length);
            OpenSslSha256.Final(state, innerHash);
            context = _outerState;
            OpenSslSha256.Update(state, innerHash, HashLength);
            OpenSslSha256.Final(state, output);
        }
    }

    public void Dispose()
    {
        if (_platform is null)
        {
            return;
        }

        foreach (var hmac in _platform.Values)
        {
            hmac.Dispose();
        }

        _platform.Dispose();
    }

    /// <summary>The digest states after the key's inner (0x36) and outer (0x5c) pad blocks.</summary>
    private static void KeyStates(ReadOnlySpan<byte> key, out ShaContext innerState, out ShaContext outerState)
    {
        Span<byte> block = stackalloc byte[BlockLength];
        block.Clear();
        if (key.Length > BlockLength)
        {
            SHA256.HashData(key, block);
        }
        else
        {
            key.CopyTo(block);
        }

        innerState = Pad(block, 0x36);
        outerState = Pad(block, 0x5c);
        CryptographicOperations.ZeroMemory(block);
    }

    private static ShaContext Pad(ReadOnlySpan<byte> keyBlock, byte pad)
    {
        var state = default(ShaContext);
        var padded = stackalloc byte[BlockLength];
        for (var i = 0; i < BlockLength; i++)
        {
            padded[i] = (byte)(keyBlock[i] ^ pad);
        }

        OpenSslSha256.Init((byte*)&state);
        OpenSslSha256.Update((byte*)&state, padded, BlockLength);
        new Span<byte>(padded, BlockLength).Clear();
        return state;
    }

    /// <summary>Room for one libcrypto <c>SHA256_CTX</c>, copied by value.</summary>
    [InlineArray(OpenSslSha256.ContextSize)]
    private struct ShaContext
    {
        private byte _first;
    }

    /// <summary>Checks the native path against <see cref="HMACSHA256"/> on inputs of one, several and partial blocks.</summary>
    private bool ReproducesPlatform(ReadOnlySpan<byte> key)
    {
        Span<byte> message = stackalloc byte[300];
        Span<byte> expected = stackalloc byte[HashLength];
        Span<byte> actual = stackalloc byte[HashLength];
        for (var i = 0; i < message.Length; i++)
        {
            message[i] = (byte)(i * 7 + 3);
        }

        foreach (var length in (ReadOnlySpan<int>)[0, 55, 64, 300])
        {
            HMACSHA256.HashData(key, message[..length], expected);
            Compute(message[..length], actual);
            if (!expected.SequenceEqual(actual))
            {
                return false;
            }
        }

        return true;
    }
}
