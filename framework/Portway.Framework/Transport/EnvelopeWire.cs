using System.Diagnostics.CodeAnalysis;
using Portway.Internal.Security;

namespace Portway.Transport;

/// <summary>
/// The envelope's wire form for transports outside the framework: <see cref="Encode"/> stamps <c>ts</c> and a fresh
/// nonce, signs the canonical bytes with HMAC-SHA256 and returns them with the 32-byte signature appended;
/// <see cref="TryDecode"/> reads such bytes back and verifies them as tcp_local does — signature (constant time),
/// <c>ts</c> within <c>ttl_seconds</c>, nonce never seen before (bounded replay cache), known kind, payload within
/// <c>max_payload_bytes</c> — answering a taxonomy error instead of an envelope when any check fails.
/// Thread-safe; one instance per process (the replay cache is its state).
/// </summary>
public sealed class EnvelopeWire
{
    private readonly EnvelopeSigner _signer;

    internal EnvelopeWire(EnvelopeSigner signer, int maxPayloadBytes)
    {
        _signer = signer;
        MaxPayloadBytes = maxPayloadBytes;
    }

    /// <summary>
    /// A wire with its own replay cache, for <paramref name="key"/> (at least 16 bytes): what both ends of a link
    /// share. The runtime makes the process's one instance from <c>execution_ipc</c>; this is for tests and tools.
    /// </summary>
    public static EnvelopeWire Create(ReadOnlySpan<byte> key, TimeProvider time, TimeSpan ttl, int nonceCacheSize, int maxPayloadBytes)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayloadBytes, 0);
        return new EnvelopeWire(new EnvelopeSigner(key, time, ttl, nonceCacheSize), maxPayloadBytes);
    }

    /// <summary><c>max_payload_bytes</c>: the largest payload <see cref="Encode"/> sends and <see cref="TryDecode"/> accepts.</summary>
    public int MaxPayloadBytes { get; }

    /// <summary>
    /// Stamps, signs and encodes <paramref name="envelope"/>. Throws <see cref="PortwayException"/>
    /// (<c>payload_too_large</c> or <c>validation_failed</c>) when it cannot be sent.
    /// </summary>
    public byte[] Encode(Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.Payload.Length > MaxPayloadBytes)
        {
            throw new PortwayException(ErrorCode.PayloadTooLarge, $"payload of {envelope.Payload.Length} bytes is over max_payload_bytes ({MaxPayloadBytes})");
        }

        try
        {
            var length = EnvelopeCodec.GetLength(envelope);
            var wire = new byte[length + EnvelopeCodec.SignatureLength];
            var written = _signer.Sign(envelope, wire);
            envelope.Sig.Span.CopyTo(wire.AsSpan(written));
            return written == length ? wire : wire.AsSpan(0, written + EnvelopeCodec.SignatureLength).ToArray();
        }
        catch (EnvelopeFormatException ex)
        {
            throw new PortwayException(ex.ToError());
        }
    }

    /// <summary>
    /// Decodes and verifies bytes made by <see cref="Encode"/> (with the same key): true with the envelope, or false
    /// with why it is refused (<c>unauthorized</c> for signature, ts and replay; <c>validation_failed</c> or
    /// <c>payload_too_large</c> for the bytes). Never throws for bad input.
    /// </summary>
    public bool TryDecode(ReadOnlySpan<byte> wire, [NotNullWhen(true)] out Envelope? envelope, [NotNullWhen(false)] out PortwayError? error)
    {
        envelope = null;
        if (wire.Length <= EnvelopeCodec.SignatureLength)
        {
            error = new PortwayError(ErrorCode.ValidationFailed, "truncated envelope");
            return false;
        }

        var canonical = wire[..^EnvelopeCodec.SignatureLength];
        Envelope decoded;
        try
        {
            decoded = EnvelopeCodec.Read(canonical, MaxPayloadBytes);
        }
        catch (EnvelopeFormatException ex)
        {
            error = ex.ToError();
            return false;
        }

        decoded.Sig = wire[^EnvelopeCodec.SignatureLength..].ToArray();
        error = _signer.Verify(decoded, canonical);
        if (error is not null) return false;
        envelope = decoded;
        return true;
    }
}
