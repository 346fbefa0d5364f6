using System.Buffers;
using System.Security.Cryptography;

namespace Portway.Internal.Security;

/// <summary>
/// Signs envelopes with HMAC-SHA256 over their canonical bytes and verifies them on the other side:
/// signature (constant-time compare), <c>ts</c> within the TTL, nonce not seen before.
/// </summary>
internal sealed class EnvelopeSigner
{
    private const int StackLimit = 1024;
    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly long _ttlMs;
    private readonly ReplayCache _replay;

    public EnvelopeSigner(ReadOnlySpan<byte> key, TimeProvider time, TimeSpan ttl, int nonceCacheSize)
    {
        if (key.Length < 16)
        {
            throw new ArgumentException("the HMAC key must be at least 16 bytes", nameof(key));
        }

        _key = key.ToArray();
        _time = time;
        _ttlMs = (long)ttl.TotalMilliseconds;
        _replay = new ReplayCache(nonceCacheSize);
    }

    /// <summary>Sets <c>ts</c> and a fresh nonce on <paramref name="envelope"/> and signs it.</summary>
    public void Sign(Envelope envelope)
    {
        Stamp(envelope);
        var sig = new byte[EnvelopeCodec.SignatureLength];
        ComputeSignature(envelope, sig);
        envelope.Sig = sig;
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

    /// <summary>Computes the signature of <paramref name="envelope"/>'s canonical bytes into <paramref name="destination"/> (32 bytes).</summary>
    public void ComputeSignature(Envelope envelope, Span<byte> destination)
    {
        var length = EnvelopeCodec.GetLength(envelope);
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = EnvelopeCodec.Write(envelope, buffer);
            HMACSHA256.HashData(_key, buffer[..written], destination);
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
    public void ComputeSignature(ReadOnlySpan<byte> canonical, Span<byte> destination) =>
        HMACSHA256.HashData(_key, canonical, destination);

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

    /// <summary>Verifies an envelope whose expected signature was already computed from its canonical bytes.</summary>
    public PortwayError? VerifyComputed(Envelope envelope, ReadOnlySpan<byte> expectedSignature)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (!CryptographicOperations.FixedTimeEquals(expectedSignature, envelope.Sig.Span))
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

        return _replay.TryAdd(envelope.Nonce.Span)
            ? null
            : new PortwayError(ErrorCode.Unauthorized, "envelope nonce was already used (replay)");
    }
}
