using System.Buffers;
using Portway.Internal.Security;

namespace Portway.Internal.Transport.TcpLocal;

/// <summary>
/// Turns a frame body (<c>canonical envelope · HMAC</c>) into a verified envelope: well-formed within
/// <c>max_payload_bytes</c> (every length checked before anything is allocated), HMAC-SHA256 over the
/// canonical bytes (constant-time compare), <c>ts</c> within the TTL, fresh nonce, and a kind this side accepts.
/// </summary>
/// <remarks>
/// One per link, used by its reading thread only (<see cref="DecodedStrings"/> is not thread-safe). The received
/// envelope's <see cref="Envelope.Sig"/> is left empty: the signature is checked on the frame's bytes and nothing after
/// the check reads it.
/// </remarks>
internal sealed class FrameVerifier(EnvelopeSigner signer, int maxPayloadBytes, IReadOnlySet<EnvelopeKind> allowedKinds)
{
    private readonly DecodedStrings _strings = new(EnvelopeCodec.DecodedStringSlots);

    /// <summary>
    /// The verified envelope, or null with <paramref name="error"/>; <paramref name="refused"/> is the envelope
    /// when it parsed but was refused (so a request can be answered), else null.
    /// </summary>
    public Envelope? Verify(ReadOnlySequence<byte> body, out PortwayError? error, out Envelope? refused)
    {
        refused = null;
        if (body.Length < FrameCodec.MinBodyLength || body.Length > FrameCodec.MaxBodyLength(maxPayloadBytes))
        {
            error = new PortwayError(ErrorCode.ValidationFailed, $"frame body of {body.Length} bytes is outside the valid range");
            return null;
        }

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
            Envelope envelope;
            try
            {
                envelope = EnvelopeCodec.Read(canonical, maxPayloadBytes, _strings);
            }
            catch (EnvelopeFormatException ex)
            {
                error = ex.ToError();
                return null;
            }

            Span<byte> expected = stackalloc byte[EnvelopeCodec.SignatureLength];
            signer.ComputeSignature(canonical, expected);
            error = signer.VerifyComputed(envelope, expected, span[^EnvelopeCodec.SignatureLength..]);
            if (error is null && !allowedKinds.Contains(envelope.Kind))
            {
                error = new PortwayError(ErrorCode.ValidationFailed, $"envelope kind {envelope.Kind} is not accepted on this link");
            }

            if (error is not null)
            {
                refused = envelope;
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
