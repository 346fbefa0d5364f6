using System.Buffers;
using System.Security.Cryptography;

namespace Portway.Internal.Security;

/// <summary>
/// Signs envelopes with HMAC-SHA256 over their canonical bytes and verifies them on the other side:
/// signature (constant-time compare), <c>ts</c> within the TTL, nonce not seen before.
/// </summary>
/// <remarks>
/// Allocation-free on the hot path except the one output buffer <see cref="Sign"/> fills (nonce and signature):
/// canonical bytes go to the stack (pooled above 1 KiB), and the HMAC's keyed states are computed once
/// (<see cref="HmacSha256"/>), so the key schedule is not rebuilt per signature.
/// </remarks>
internal sealed class EnvelopeSigner
{
    private const int StackLimit = 1024;
    private readonly HmacSha256 _hmac;
    private readonly TimeProvider _time;
    private readonly long _ttlMs;
    private readonly ReplayCache _replay;

    /// <param name="key">The HMAC key (16 bytes at least).</param>
    /// <param name="time">The clock for <c>ts</c>.</param>
    /// <param name="ttl">How old a frame may be.</param>
    /// <param name="nonceCacheSize">Nonces remembered at most (see <see cref="ReplayCache"/>).</param>
    /// <param name="preferNativeHmac">False for .NET's HMAC even where libcrypto's SHA-256 is found (see <see cref="HmacSha256"/>).</param>
    public EnvelopeSigner(ReadOnlySpan<byte> key, TimeProvider time, TimeSpan ttl, int nonceCacheSize, bool preferNativeHmac = true)
    {
        if (key.Length < 16)
        {
            throw new ArgumentException("the HMAC key must be at least 16 bytes", nameof(key));
        }

        _hmac = new HmacSha256(key, preferNativeHmac);
        _time = time;
        _ttlMs = (long)ttl.TotalMilliseconds;
        _replay = new ReplayCache(nonceCacheSize);
    }

    /// <summary>Sets <c>ts</c> and a fresh nonce on <paramref name="envelope"/> and signs it (one 48-byte array holds both).</summary>
    public void Sign(Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var length = EnvelopeCodec.GetLength(envelope);
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            Sign(envelope, buffer);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Sets <c>ts</c> and a fresh nonce, for a sender that signs the canonical bytes it writes (a frame).</summary>
    public void Stamp(Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        envelope.Ts = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var nonce = new byte[EnvelopeCodec.NonceLength];
        EnvelopeIds.FillNonce(nonce);
        envelope.Nonce = nonce;
    }

    /// <summary>
    /// Sets <c>ts</c> and a fresh nonce on <paramref name="envelope"/>, writes its canonical bytes into
    /// <paramref name="canonical"/> (at least <see cref="EnvelopeCodec.GetLength"/> long) and signs them: what a
    /// sender puts on the wire. Returns the count written. One 48-byte array holds the nonce and the signature.
    /// </summary>
    public int Sign(Envelope envelope, Span<byte> canonical)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        envelope.Ts = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var output = new byte[EnvelopeCodec.NonceLength + EnvelopeCodec.SignatureLength];
        var nonce = output.AsMemory(0, EnvelopeCodec.NonceLength);
        EnvelopeIds.FillNonce(nonce.Span);
        envelope.Nonce = nonce;
        var written = EnvelopeCodec.Write(envelope, canonical);
        ComputeSignature(canonical[..written], output.AsSpan(EnvelopeCodec.NonceLength));
        envelope.Sig = output.AsMemory(EnvelopeCodec.NonceLength);
        return written;
    }

    /// <summary>Computes the signature of <paramref name="envelope"/>'s canonical bytes into <paramref name="destination"/> (32 bytes).</summary>
    public void ComputeSignature(Envelope envelope, Span<byte> destination)
    {
        var length = EnvelopeCodec.GetLength(envelope);
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = EnvelopeCodec.Write(envelope, buffer);
            ComputeSignature(buffer[..written], destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Computes the signature of canonical bytes already written.</summary>
    public void ComputeSignature(ReadOnlySpan<byte> canonical, Span<byte> destination) => _hmac.Compute(canonical, destination);

    /// <summary>Verifies a received envelope; null when it is good, else why it is refused.</summary>
    public PortwayError? Verify(Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.Sig.Length != EnvelopeCodec.SignatureLength)
        {
            return new PortwayError(ErrorCode.Unauthorized, "envelope is not signed");
        }

        Span<byte> expected = stackalloc byte[EnvelopeCodec.SignatureLength];
        ComputeSignature(envelope, expected);
        return VerifyComputed(envelope, expected);
    }

    /// <summary>
    /// Verifies an envelope received together with its canonical bytes (as a frame carries them): the signature
    /// over <paramref name="canonical"/>, <c>ts</c>, nonce. Null when it is good, else why it is refused.
    /// </summary>
    public PortwayError? Verify(Envelope envelope, ReadOnlySpan<byte> canonical)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.Sig.Length != EnvelopeCodec.SignatureLength)
        {
            return new PortwayError(ErrorCode.Unauthorized, "envelope is not signed");
        }

        Span<byte> expected = stackalloc byte[EnvelopeCodec.SignatureLength];
        ComputeSignature(canonical, expected);
        return VerifyComputed(envelope, expected);
    }

    /// <summary>Verifies an envelope whose expected signature was already computed from its canonical bytes.</summary>
    public PortwayError? VerifyComputed(Envelope envelope, ReadOnlySpan<byte> expectedSignature)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return VerifyComputed(envelope, expectedSignature, envelope.Sig.Span);
    }

    /// <summary>
    /// Verifies an envelope whose expected signature was already computed from its canonical bytes, against the
    /// <paramref name="signature"/> it came with (a frame's bytes; not copied onto the envelope).
    /// </summary>
    public PortwayError? VerifyComputed(Envelope envelope, ReadOnlySpan<byte> expectedSignature, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (signature.Length != EnvelopeCodec.SignatureLength || !CryptographicOperations.FixedTimeEquals(expectedSignature, signature))
        {
            return new PortwayError(ErrorCode.Unauthorized, "bad envelope signature");
        }

        var age = _time.GetUtcNow().ToUnixTimeMilliseconds() - envelope.Ts;
        if (age > _ttlMs)
        {
            return new PortwayError(ErrorCode.Unauthorized, $"envelope ts is {age} ms old, over the {_ttlMs} ms TTL");
        }

        if (-age > _ttlMs)
        {
            return new PortwayError(ErrorCode.Unauthorized, $"envelope ts is {-age} ms in the future, over the {_ttlMs} ms TTL");
        }

        return _replay.TryAdd(envelope.Nonce.Span, envelope.Ts) switch
        {
            ReplayVerdict.Fresh => null,
            ReplayVerdict.Replayed => new PortwayError(ErrorCode.Unauthorized, "envelope nonce was already used (replay)"),
            _ => new PortwayError(ErrorCode.Unauthorized, "envelope ts is older than the nonces the replay guard still holds (a burst over nonce_cache_size per TTL)"),
        };
    }
}
