using System.Text;
using Microsoft.Extensions.Time.Testing;
using Portway.Transport;

namespace Portway.Framework.Tests.Transport;

/// <summary>The public wire form a driven adapter (Redis) sends envelopes in: sign+encode, decode+verify.</summary>
public sealed class EnvelopeWireTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("0123456789abcdef0123456789abcdef");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-24T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private EnvelopeWire Wire(byte[]? key = null, int maxPayload = 1024) =>
        EnvelopeWire.Create(key ?? Key, _time, TimeSpan.FromSeconds(30), 1000, maxPayload);

    private static Envelope Hop() => new()
    {
        Id = "hop-1",
        Kind = EnvelopeKind.Request,
        Route = "p/extract",
        TraceId = "0af7651916cd43dd8448eb211c80319c",
        RequestId = "r-1",
        ReplyTo = "iabc/7",
        Tenant = "t1",
        Payload = Encoding.UTF8.GetBytes("{\"a\":1}"),
        Headers = { ["node"] = "sys.echo", [StageHop.DeadlineHeader] = "1790000000000" },
    };

    [Fact]
    public void EncodeThenDecode_OnTheOtherSide_GivesTheSameEnvelope()
    {
        var bytes = Wire().Encode(Hop());

        Assert.True(Wire().TryDecode(bytes, out var decoded, out var error), error?.Message);
        Assert.Equal("hop-1", decoded.Id);
        Assert.Equal("iabc/7", decoded.ReplyTo);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(decoded.Payload.Span));
        Assert.Equal(1790000000000, StageHop.Deadline(decoded));
        Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), decoded.Ts);
    }

    [Fact]
    public void Decode_SameBytesTwice_SecondIsAReplay()
    {
        var receiver = Wire();
        var bytes = Wire().Encode(Hop());

        Assert.True(receiver.TryDecode(bytes, out _, out _));
        Assert.False(receiver.TryDecode(bytes, out _, out var error));
        Assert.Equal(ErrorCode.Unauthorized, error.Code);
        Assert.Contains("replay", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_OneByteChanged_IsABadSignature()
    {
        var bytes = Wire().Encode(Hop());
        bytes[^35] ^= 1; // a payload byte (the signature is the last 32)

        Assert.False(Wire().TryDecode(bytes, out _, out var error));
        Assert.Equal(ErrorCode.Unauthorized, error.Code);
    }

    [Fact]
    public void Decode_OtherKey_IsABadSignature()
    {
        var bytes = Wire(Encoding.UTF8.GetBytes("another-key-another-key-another-k")).Encode(Hop());

        Assert.False(Wire().TryDecode(bytes, out _, out var error));
        Assert.Equal("bad envelope signature", error.Message);
    }

    [Fact]
    public void Decode_OlderThanTheTtl_IsRefused()
    {
        var bytes = Wire().Encode(Hop());
        _time.Advance(TimeSpan.FromSeconds(31));

        Assert.False(Wire().TryDecode(bytes, out _, out var error));
        Assert.Contains("over the 30000 ms TTL", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(40)]
    public void Decode_Truncated_IsValidationFailed(int length)
    {
        var bytes = Wire().Encode(Hop());

        Assert.False(Wire().TryDecode(bytes.AsSpan(0, length), out _, out var error));
        Assert.Equal(ErrorCode.ValidationFailed, error.Code);
    }

    [Fact]
    public void Encode_PayloadOverTheLimit_ThrowsPayloadTooLarge()
    {
        var hop = Hop();
        hop.Payload = new byte[2048];

        var ex = Assert.Throws<PortwayException>(() => Wire().Encode(hop));

        Assert.Equal(ErrorCode.PayloadTooLarge, ex.Error.Code);
    }

    [Fact]
    public void Decode_PayloadOverTheReceiversLimit_IsPayloadTooLarge()
    {
        var hop = Hop();
        hop.Payload = new byte[600];
        var bytes = Wire(maxPayload: 1024).Encode(hop);

        Assert.False(Wire(maxPayload: 512).TryDecode(bytes, out _, out var error));
        Assert.Equal(ErrorCode.PayloadTooLarge, error.Code);
    }
}
