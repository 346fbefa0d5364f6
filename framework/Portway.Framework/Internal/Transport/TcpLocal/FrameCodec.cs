using System.Buffers;
using System.Buffers.Binary;
using Portway.Internal.Security;

namespace Portway.Internal.Transport.TcpLocal;

/// <summary>
/// A frame is <c>u32 length (big-endian) · canonical envelope bytes · HMAC-SHA256 (32 bytes)</c>, where the
/// length counts what follows it. A claimed length over the limit is refused before anything is sliced
/// or allocated, so a hostile prefix costs nothing.
/// </summary>
internal static class FrameCodec
{
    public const int PrefixLength = 4;

    /// <summary>The smallest frame body: an envelope with empty fields plus the signature.</summary>
    public const int MinBodyLength = EnvelopeCodec.FixedLength + (6 * 2) + EnvelopeCodec.SignatureLength;

    /// <summary>Room for ids, routes and headers on top of the payload limit.</summary>
    public const int HeaderAllowance = 64 * 1024;

    public static int MaxBodyLength(int maxPayloadBytes) => (int)Math.Min((long)maxPayloadBytes + HeaderAllowance, int.MaxValue - PrefixLength);

    /// <summary>
    /// Takes one complete frame body off the front of <paramref name="buffer"/>; false when more bytes are needed.
    /// Throws <see cref="FrameFormatException"/> for a length that can never be valid.
    /// </summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxBodyLength, out ReadOnlySequence<byte> body)
    {
        body = default;
        if (buffer.Length < PrefixLength)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[PrefixLength];
        buffer.Slice(0, PrefixLength).CopyTo(prefix);
        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
        if (length > (uint)maxBodyLength)
        {
            throw new FrameFormatException($"frame of {length} bytes is over the {maxBodyLength}-byte limit");
        }

        if (length < MinBodyLength)
        {
            throw new FrameFormatException($"frame of {length} bytes is shorter than any envelope");
        }

        if (buffer.Length - PrefixLength < length)
        {
            return false;
        }

        body = buffer.Slice(PrefixLength, length);
        buffer = buffer.Slice(body.End);
        return true;
    }

    /// <summary>
    /// Encodes a signed frame for <paramref name="envelope"/> into a rented buffer; return it to the pool after writing.
    /// Throws <see cref="EnvelopeFormatException"/> when the peer would refuse it (payload over
    /// <paramref name="maxPayloadBytes"/>, or a frame over the limit), so the sender answers instead of the link breaking.
    /// </summary>
    public static (byte[] Buffer, int Length) Encode(Envelope envelope, EnvelopeSigner signer, int maxPayloadBytes)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(signer);
        if (envelope.Payload.Length > maxPayloadBytes)
        {
            throw new EnvelopeFormatException($"payload of {envelope.Payload.Length} bytes is over max_payload_bytes ({maxPayloadBytes})", isPayloadTooLarge: true);
        }

        var canonical = EnvelopeCodec.GetLength(envelope);
        var bodyLength = canonical + EnvelopeCodec.SignatureLength;
        if (bodyLength > MaxBodyLength(maxPayloadBytes))
        {
            throw new EnvelopeFormatException($"envelope of {bodyLength} bytes is over the frame limit", isPayloadTooLarge: true);
        }

        var total = PrefixLength + bodyLength;
        var buffer = ArrayPool<byte>.Shared.Rent(total);
        BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)bodyLength);
        EnvelopeCodec.Write(envelope, buffer.AsSpan(PrefixLength, canonical));
        signer.ComputeSignature(buffer.AsSpan(PrefixLength, canonical), buffer.AsSpan(PrefixLength + canonical, EnvelopeCodec.SignatureLength));
        return (buffer, total);
    }
}
