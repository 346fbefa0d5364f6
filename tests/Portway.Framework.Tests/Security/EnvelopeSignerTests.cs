using System.Text;
using Microsoft.Extensions.Time.Testing;
using Portway.Internal.Security;

namespace Portway.Framework.Tests.Security;

public sealed class EnvelopeSignerTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("0123456789abcdef0123456789abcdef");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-24T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private EnvelopeSigner NewSigner(byte[]? key = null) => new(key ?? Key, _time, TimeSpan.FromSeconds(30), 1000);

    private static Envelope Sample() => new()
    {
        Id = "e1",
        Kind = EnvelopeKind.Request,
        Route = "echo/echo",
        TraceId = "0af7651916cd43dd8448eb211c80319c",
        RequestId = "r1",
        ReplyTo = "i1/1",
        Tenant = "acme",
        Headers = { ["stage"] = "echo", ["node"] = "sys.echo" },
        Payload = Encoding.UTF8.GetBytes("{\"x\":1}"),
    };

    [Fact]
    public void Verify_SignedEnvelope_Accepts()
    {
        var sender = NewSigner();
        var receiver = NewSigner();
        var envelope = Sample();
        sender.Sign(envelope);

        Assert.Null(receiver.Verify(envelope));
        Assert.Equal(16, envelope.Nonce.Length);
        Assert.Equal(32, envelope.Sig.Length);
    }

    [Fact]
    public void Verify_EveryTamperedCanonicalByte_IsRejected()
    {
        var sender = NewSigner();
        var envelope = Sample();
        sender.Sign(envelope);
        var canonical = new byte[EnvelopeCodec.GetLength(envelope)];
        EnvelopeCodec.Write(envelope, canonical);

        for (var i = 0; i < canonical.Length; i++)
        {
            var tampered = (byte[])canonical.Clone();
            tampered[i] ^= 0x01;
            Envelope decoded;
            try
            {
                decoded = EnvelopeCodec.Read(tampered, 1 << 20);
            }
            catch (EnvelopeFormatException)
            {
                continue; // a tampered length or kind that no longer parses is rejected too
            }

            decoded.Sig = envelope.Sig;
            var error = NewSigner().Verify(decoded);
            Assert.NotNull(error);
            Assert.Equal(ErrorCode.Unauthorized, error.Code);
        }
    }

    [Fact]
    public void Verify_WrongKey_IsRejectedAsBadSignature()
    {
        var envelope = Sample();
        NewSigner().Sign(envelope);

        var error = NewSigner(Encoding.UTF8.GetBytes("another-key-another-key-another!")).Verify(envelope);

        Assert.Equal("bad envelope signature", error?.Message);
    }

    [Fact]
    public void Verify_ReplayedSecondsLaterAtFiftyThousandFramesPerSecond_IsRejected()
    {
        // tcp_local's rate with a nonce cache of 1000: the cache holds 20 ms of frames, the TTL is 30 s.
        var sender = NewSigner();
        var receiver = NewSigner();
        var captured = Sample();
        sender.Sign(captured);
        Assert.Null(receiver.Verify(captured));
        var replay = Sample();
        replay.Ts = captured.Ts;
        replay.Nonce = captured.Nonce;
        replay.Sig = captured.Sig;

        for (var i = 0; i < 150_000; i++)
        {
            _time.Advance(TimeSpan.FromTicks(200)); // 20 µs: 50,000 frames per second, 3 s in all
            var envelope = Sample();
            sender.Sign(envelope);
            Assert.Null(receiver.Verify(envelope));
        }

        var error = receiver.Verify(replay);

        Assert.NotNull(error);
        Assert.Equal(ErrorCode.Unauthorized, error.Code);
    }

    [Fact]
    public void Verify_SameNonceTwice_IsRejectedAsReplay()
    {
        var envelope = Sample();
        NewSigner().Sign(envelope);
        var receiver = NewSigner();

        Assert.Null(receiver.Verify(envelope));
        Assert.Contains("replay", receiver.Verify(envelope)?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_TsOlderThanTtl_IsRejected()
    {
        var envelope = Sample();
        NewSigner().Sign(envelope);
        _time.Advance(TimeSpan.FromSeconds(31));

        Assert.Contains("old", NewSigner().Verify(envelope)?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_TsFurtherAheadThanTtl_IsRejected()
    {
        var aheadClock = new FakeTimeProvider(_time.GetUtcNow().AddSeconds(31));
        var envelope = Sample();
        new EnvelopeSigner(Key, aheadClock, TimeSpan.FromSeconds(30), 1000).Sign(envelope);

        Assert.Contains("future", NewSigner().Verify(envelope)?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_Unsigned_IsRejected()
    {
        Assert.Equal("envelope is not signed", NewSigner().Verify(Sample())?.Message);
    }

    [Fact]
    public void Sign_IntoBuffer_WritesTheCodecBytesThatVerify()
    {
        var envelope = Sample();
        var canonical = new byte[EnvelopeCodec.GetLength(envelope)];

        var written = NewSigner().Sign(envelope, canonical);

        Assert.Equal(canonical.Length, written);
        var expected = new byte[written];
        EnvelopeCodec.Write(envelope, expected);
        Assert.Equal(expected, canonical);
        Assert.Null(NewSigner().Verify(envelope, canonical));
    }

    [Fact]
    public void Verify_TamperedCanonicalBytes_IsRejected()
    {
        var envelope = Sample();
        var canonical = new byte[EnvelopeCodec.GetLength(envelope)];
        NewSigner().Sign(envelope, canonical);
        canonical[^1] ^= 0x01;

        Assert.Equal("bad envelope signature", NewSigner().Verify(envelope, canonical)?.Message);
    }

    [Fact]
    public void Verify_CanonicalBytesOfUnsignedEnvelope_IsRejected()
    {
        var envelope = Sample();
        var canonical = new byte[EnvelopeCodec.GetLength(envelope)];
        EnvelopeCodec.Write(envelope, canonical);

        Assert.Equal("envelope is not signed", NewSigner().Verify(envelope, canonical)?.Message);
    }

    [Fact]
    public void SignThenVerify_AllocatesOnlyTheNonceAndSignatureBuffer()
    {
        var sender = NewSigner();
        var receiver = new EnvelopeSigner(Key, _time, TimeSpan.FromSeconds(30), 10_000);
        var envelope = Sample();
        var canonical = new byte[EnvelopeCodec.GetLength(envelope)];
        for (var i = 0; i < 10; i++)
        {
            sender.Sign(envelope);
            Assert.Null(receiver.Verify(envelope));
            var written = sender.Sign(envelope, canonical);
            Assert.Null(receiver.Verify(envelope, canonical.AsSpan(0, written)));
        }

        const int rounds = 200;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < rounds; i++)
        {
            sender.Sign(envelope);
            receiver.Verify(envelope);
            var written = sender.Sign(envelope, canonical);
            receiver.Verify(envelope, canonical.AsSpan(0, written));
        }

        var perSign = (GC.GetAllocatedBytesForCurrentThread() - before) / (2.0 * rounds);
        // One byte[48] (nonce + signature) per sign: 72 bytes with the array header on 64-bit.
        Assert.True(perSign <= 72, $"{perSign} bytes allocated per sign + verify");
    }

    [Fact]
    public void ReplayCache_OverCapacity_ForgetsOldestFirstAndRefusesWhatIsAsOld()
    {
        var cache = new ReplayCache(2);
        var a = Guid.NewGuid().ToByteArray();
        var b = Guid.NewGuid().ToByteArray();
        var c = Guid.NewGuid().ToByteArray();

        Assert.Equal(ReplayVerdict.Fresh, cache.TryAdd(a, 1));
        Assert.Equal(ReplayVerdict.Fresh, cache.TryAdd(b, 2));
        Assert.Equal(ReplayVerdict.Fresh, cache.TryAdd(c, 3));

        Assert.Equal(2, cache.Count);
        Assert.Equal(ReplayVerdict.Replayed, cache.TryAdd(c, 3));
        Assert.Equal(ReplayVerdict.BeyondMemory, cache.TryAdd(a, 1));
    }
}
