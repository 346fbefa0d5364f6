using System.Buffers;
using Portway.Internal.Security;

namespace Portway.Internal.Transport.TcpLocal;

/// <summary>
/// Turns a frame body into a verified envelope: HMAC over the canonical bytes (constant-time compare),
/// well-formed envelope within <c>max_payload_bytes</c>, known kind, <c>ts</c> within the TTL, fresh nonce.
/// </summary>
internal sealed class FrameVerifier(EnvelopeSigner signer, int maxPayloadBytes)
{
    /// <summary>
    /// The verified envelope, or null with <paramref name="error"/>; <paramref name="parsed"/> is the envelope when
    /// it parsed but was refused (so the sender can be answered), else null.
    /// </summary>
    public Envelope? Verify(ReadOnlySequence<byte> body, out PortwayError? error, out Envelope? parsed)
    {
        parsed = null;
        var length = (int)body.Length;
        byte[]? rented = null;
        ReadOnlySpan<byte> span;
        if (body.IsSingleSegment)
        {
            span = body.FirstSpan;
        }
        else
        {
            rented = ArrayPool<byte>.Shared.Rent(length);
            body.CopyTo(rented);
            span = rented.AsSpan(0, length);
        }

        try
        {
            var canonical = span[..^EnvelopeCodec.SignatureLength];
            var signature = span[^EnvelopeCodec.SignatureLength..];
            Envelope envelope;
            try
            {
                envelope = EnvelopeCodec.Read(canonical, maxPayloadBytes);
            }
            catch (EnvelopeFormatException ex)
            {
                error = ex.ToError();
                return null;
            }

            envelope.Sig = signature.ToArray();
            Span<byte> expected = stackalloc byte[EnvelopeCodec.SignatureLength];
            signer.ComputeSignature(canonical, expected);
            error = signer.VerifyComputed(envelope, expected);
            if (error is not null)
            {
                parsed = envelope;
                return null;
            }

            return envelope;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
