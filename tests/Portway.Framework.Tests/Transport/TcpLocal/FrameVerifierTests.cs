using System.Buffers;
using Microsoft.Extensions.Time.Testing;
using Portway.Internal.Transport.TcpLocal;

namespace Portway.Framework.Tests.Transport.TcpLocal;

public sealed class FrameVerifierTests
{
    private readonly FakeTimeProvider _time = new(Frames.Now);

    private FrameVerifier NewVerifier() => new(Frames.Signer(_time), Frames.MaxPayload, TcpLocalProtocol.HostAccepts);

    private static ReadOnlySequence<byte> Body(byte[] frame) => new(frame, FrameCodec.PrefixLength, frame.Length - FrameCodec.PrefixLength);

    [Fact]
    public void Verify_ValidFrame_Accepts()
    {
        var got = NewVerifier().Verify(Body(Frames.Encode(Frames.Sample(), Frames.Signer(_time))), out var error, out var refused);

        Assert.NotNull(got);
        Assert.Null(error);
        Assert.Null(refused);
    }

    [Fact]
    public void Verify_SignedWithAnotherKey_RefusesUnauthorized()
    {
        var frame = Frames.Encode(Frames.Sample(), Frames.Signer(_time, "another key, 32 bytes long......"u8.ToArray()));

        var got = NewVerifier().Verify(Body(frame), out var error, out var refused);

        Assert.Null(got);
        Assert.Equal((ErrorCode.Unauthorized, "bad envelope signature"), (error!.Code, error.Message));
        Assert.NotNull(refused);
    }

    [Fact]
    public void Verify_OneFlippedPayloadBit_RefusesUnauthorized()
    {
        var frame = Frames.Encode(Frames.Sample(), Frames.Signer(_time));
        frame[^(32 + 2)] ^= 0x01;

        NewVerifier().Verify(Body(frame), out var error, out _);

        Assert.Equal(ErrorCode.Unauthorized, error!.Code);
    }

    [Fact]
    public void Verify_SameFrameTwice_RefusesTheReplay()
    {
        var verifier = NewVerifier();
        var frame = Frames.Encode(Frames.Sample(), Frames.Signer(_time));

        Assert.NotNull(verifier.Verify(Body(frame), out _, out _));
        Assert.Null(verifier.Verify(Body(frame), out var error, out _));
        Assert.Equal(ErrorCode.Unauthorized, error!.Code);
        Assert.Contains("already used", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-31, "old")]
    [InlineData(31, "in the future")]
    public void Verify_TsOutsideTtl_Refuses(int offsetSeconds, string why)
    {
        var senderClock = new FakeTimeProvider(Frames.Now.AddSeconds(offsetSeconds));
        var frame = Frames.Encode(Frames.Sample(), Frames.Signer(senderClock));

        NewVerifier().Verify(Body(frame), out var error, out _);

        Assert.Equal(ErrorCode.Unauthorized, error!.Code);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_TsJustInsideTtl_Accepts()
    {
        var frame = Frames.Encode(Frames.Sample(), Frames.Signer(new FakeTimeProvider(Frames.Now.AddSeconds(-29))));

        Assert.NotNull(NewVerifier().Verify(Body(frame), out _, out _));
    }

    [Fact]
    public void Verify_UnknownKindByte_RefusesValidationFailed()
    {
        var envelope = Frames.Sample();
        Frames.Signer(_time).Stamp(envelope);
        var canonical = Frames.Canonical(envelope);
        canonical[1] = 99;

        var got = NewVerifier().Verify(Body(Frames.FromCanonical(canonical)), out var error, out _);

        Assert.Null(got);
        Assert.Equal((ErrorCode.ValidationFailed, "unknown envelope kind 99"), (error!.Code, error.Message));
    }

    [Fact]
    public void Verify_KindThisSideDoesNotAccept_RefusesAndKeepsTheEnvelopeToAnswer()
    {
        var frame = Frames.Encode(Frames.Sample(EnvelopeKind.StreamItem), Frames.Signer(_time));

        var got = NewVerifier().Verify(Body(frame), out var error, out var refused);

        Assert.Null(got);
        Assert.Equal(ErrorCode.ValidationFailed, error!.Code);
        Assert.Equal(EnvelopeKind.StreamItem, refused!.Kind);
    }

    [Fact]
    public void Verify_PayloadOverLimit_RefusesPayloadTooLarge()
    {
        var envelope = Frames.Sample(payloadBytes: Frames.MaxPayload + 1);
        Frames.Signer(_time).Stamp(envelope);

        NewVerifier().Verify(Body(Frames.FromCanonical(Frames.Canonical(envelope))), out var error, out _);

        Assert.Equal(ErrorCode.PayloadTooLarge, error!.Code);
    }

    [Fact]
    public void Verify_TruncatedEnvelopeInsideTheFrame_RefusesValidationFailed()
    {
        var envelope = Frames.Sample();
        Frames.Signer(_time).Stamp(envelope);
        var canonical = Frames.Canonical(envelope);

        NewVerifier().Verify(Body(Frames.FromCanonical(canonical.AsSpan(0, canonical.Length - 3))), out var error, out _);

        Assert.Equal(ErrorCode.ValidationFailed, error!.Code);
    }

    [Fact]
    public void Verify_BodySplitOverTwoSegments_Accepts()
    {
        var frame = Frames.Encode(Frames.Sample(), Frames.Signer(_time));
        var body = frame.AsSpan(FrameCodec.PrefixLength).ToArray();

        Assert.NotNull(NewVerifier().Verify(Frames.Sequence(body, body.Length / 2), out _, out _));
    }
}
