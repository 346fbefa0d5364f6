using System.Buffers;
using System.Buffers.Binary;
using Portway.Internal.Security;
using Portway.Internal.Transport.TcpLocal;

namespace Portway.Framework.Tests.Transport.TcpLocal;

public sealed class FrameCodecTests
{
    private static readonly int MaxBody = FrameCodec.MaxBodyLength(Frames.MaxPayload);

    [Fact]
    public void TryRead_TwoFramesInOneBuffer_ReadsBothThenWants()
    {
        var signer = Frames.Signer();
        var bytes = Frames.Encode(Frames.Sample(), signer).Concat(Frames.Encode(Frames.Sample(), signer)).ToArray();
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.True(FrameCodec.TryRead(ref buffer, MaxBody, out var first));
        Assert.True(FrameCodec.TryRead(ref buffer, MaxBody, out var second));
        Assert.False(FrameCodec.TryRead(ref buffer, MaxBody, out _));
        Assert.Equal(first.Length, second.Length);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void TryRead_PartialFrame_WantsMoreAndConsumesNothing()
    {
        var frame = Frames.Encode(Frames.Sample(), Frames.Signer());
        for (var cut = 0; cut < frame.Length; cut++)
        {
            var buffer = new ReadOnlySequence<byte>(frame, 0, cut);

            Assert.False(FrameCodec.TryRead(ref buffer, MaxBody, out _));
            Assert.Equal(cut, buffer.Length);
        }
    }

    [Fact]
    public void TryRead_OversizeLengthPrefix_ThrowsWithoutAllocatingTheClaimedSize()
    {
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(prefix, uint.MaxValue);
        var buffer = new ReadOnlySequence<byte>(prefix);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<FrameFormatException>(() => FrameCodec.TryRead(ref buffer, MaxBody, out _));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("over the", ex.Message, StringComparison.Ordinal);
        Assert.True(allocated < 16 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void TryRead_LengthShorterThanAnyEnvelope_Throws()
    {
        var bytes = new byte[64];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 3);
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.Throws<FrameFormatException>(() => FrameCodec.TryRead(ref buffer, MaxBody, out _));
    }

    [Fact]
    public void Encode_PayloadOverLimit_ThrowsPayloadTooLarge()
    {
        var ex = Assert.Throws<EnvelopeFormatException>(() => FrameCodec.Encode(Frames.Sample(payloadBytes: Frames.MaxPayload + 1), Frames.Signer(), Frames.MaxPayload));

        Assert.Equal(ErrorCode.PayloadTooLarge, ex.ToError().Code);
    }

    [Fact]
    public void Encode_ThenVerify_RoundTripsEveryField()
    {
        var sender = Frames.Signer();
        var sent = Frames.Sample(payloadBytes: Frames.MaxPayload);
        sent.Tenant = "acme";
        sent.Headers["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var buffer = new ReadOnlySequence<byte>(Frames.Encode(sent, sender));
        Assert.True(FrameCodec.TryRead(ref buffer, MaxBody, out var body));

        var got = new FrameVerifier(Frames.Signer(), Frames.MaxPayload, TcpLocalProtocol.HostAccepts).Verify(body, out var error, out _);

        Assert.Null(error);
        Assert.NotNull(got);
        Assert.Equal((sent.Id, sent.Kind, sent.Route, sent.TraceId, sent.RequestId, sent.ReplyTo, sent.Tenant, sent.Ts),
            (got.Id, got.Kind, got.Route, got.TraceId, got.RequestId, got.ReplyTo, got.Tenant, got.Ts));
        Assert.Equal(sent.Headers, got.Headers);
        Assert.Equal(sent.Payload.ToArray(), got.Payload.ToArray());
    }
}
