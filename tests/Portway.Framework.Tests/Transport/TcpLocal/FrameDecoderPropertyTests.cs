using System.Buffers;
using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using Portway.Internal.Transport.TcpLocal;

namespace Portway.Framework.Tests.Transport.TcpLocal;

/// <summary>
/// Properties of the frame decoder (<see cref="FrameCodec.TryRead"/> then <see cref="FrameVerifier.Verify"/>) on
/// arbitrary input: it never throws anything but its own <see cref="FrameFormatException"/>, never allocates
/// more than a small multiple of the bytes it was given (whatever a length prefix claims), and never accepts
/// a frame that was not signed as is.
/// </summary>
public sealed class FrameDecoderPropertyTests
{
    private static readonly int MaxBody = FrameCodec.MaxBodyLength(Frames.MaxPayload);

    /// <summary>Decodes every frame of <paramref name="bytes"/>; returns (accepted, refused, stopped by a format error).</summary>
    private static (int Accepted, int Refused, bool FormatError) DecodeAll(byte[] bytes, int split) =>
        DecodeAll(NewVerifier(), bytes, split);

    private static FrameVerifier NewVerifier() =>
        new(Frames.Signer(new FakeTimeProvider(Frames.Now)), Frames.MaxPayload, TcpLocalProtocol.HostAccepts);

    private static (int Accepted, int Refused, bool FormatError) DecodeAll(FrameVerifier verifier, byte[] bytes, int split)
    {
        var buffer = Frames.Sequence(bytes, split);
        int accepted = 0, refused = 0;
        try
        {
            while (FrameCodec.TryRead(ref buffer, MaxBody, out var body))
            {
                if (verifier.Verify(body, out _, out _) is null) refused++;
                else accepted++;
            }
        }
        catch (FrameFormatException)
        {
            return (accepted, refused, true);
        }

        return (accepted, refused, false);
    }

    [Property(MaxTest = 500)]
    public bool Decode_ArbitraryBytes_NeverThrowsAnotherExceptionNorAccepts(byte[] bytes, PositiveInt split)
    {
        var (accepted, _, _) = DecodeAll(bytes, split.Get % (bytes.Length + 1));
        return accepted == 0;
    }

    [Property(MaxTest = 300)]
    public bool Decode_ArbitraryLengthPrefix_AllocatesNoMoreThanItWasGiven(uint claimed, byte[] rest)
    {
        var bytes = new byte[4 + rest.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, claimed);
        rest.CopyTo(bytes, 4);
        // The verifier (its replay cache is sized up front) and its first signature check (a per-thread HMAC)
        // allocate once, outside the measurement: what is measured is decoding these bytes.
        var verifier = NewVerifier();
        DecodeAll(verifier, Frames.Encode(Frames.Sample(), Frames.Signer(new FakeTimeProvider(Frames.Now))), 0);

        var before = GC.GetAllocatedBytesForCurrentThread();
        DecodeAll(verifier, bytes, 0);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        return allocated <= (8 * bytes.Length) + (32 * 1024);
    }

    [Property(MaxTest = 200)]
    public bool Decode_ValidFrameWithOneByteChanged_IsNeverAccepted(NonNegativeInt position, byte xor)
    {
        var frame = Frames.Encode(Frames.Sample(), Frames.Signer(new FakeTimeProvider(Frames.Now)));
        var index = position.Get % frame.Length;
        frame[index] ^= xor == 0 ? (byte)1 : xor;

        return DecodeAll(frame, index).Accepted == 0;
    }

    [Property(MaxTest = 200)]
    public bool Decode_ValidFrameSplitAnywhere_IsAccepted(NonNegativeInt split, string route, byte[] payload)
    {
        var envelope = Frames.Sample();
        envelope.Route = route ?? "";
        envelope.Payload = payload.Length <= Frames.MaxPayload ? payload : payload[..Frames.MaxPayload];
        var frame = Frames.Encode(envelope, Frames.Signer(new FakeTimeProvider(Frames.Now)));

        return DecodeAll(frame, split.Get % (frame.Length + 1)) == (1, 0, false);
    }

    [Property(MaxTest = 100)]
    public bool Decode_ValidFrameThenGarbage_AcceptsTheFrameFirst(byte[] garbage)
    {
        var frame = Frames.Encode(Frames.Sample(), Frames.Signer(new FakeTimeProvider(Frames.Now)));

        return DecodeAll([.. frame, .. garbage], frame.Length).Accepted == 1;
    }
}
