using System.Text;
using Portway.Internal.Security;

namespace Portway.Framework.Tests.Security;

public sealed class EnvelopeCodecTests
{
    [Fact]
    public void WriteThenRead_RoundTripsEveryField()
    {
        var envelope = new Envelope
        {
            Id = "id-ü",
            Kind = EnvelopeKind.StreamItem,
            Route = "p/s",
            TraceId = "t",
            RequestId = "r",
            ReplyTo = "i/7",
            Tenant = "acme",
            Headers = { ["b"] = "2", ["a"] = "1" },
            Payload = Encoding.UTF8.GetBytes("[1,2,3]"),
            Ts = 1234567890123,
            Nonce = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray(),
        };
        var bytes = new byte[EnvelopeCodec.GetLength(envelope)];
        Assert.Equal(bytes.Length, EnvelopeCodec.Write(envelope, bytes));

        var read = EnvelopeCodec.Read(bytes, 1024);

        Assert.Equal(envelope.Id, read.Id);
        Assert.Equal(envelope.Kind, read.Kind);
        Assert.Equal(envelope.Route, read.Route);
        Assert.Equal(envelope.ReplyTo, read.ReplyTo);
        Assert.Equal(envelope.Tenant, read.Tenant);
        Assert.Equal(envelope.Ts, read.Ts);
        Assert.Equal(envelope.Nonce.ToArray(), read.Nonce.ToArray());
        Assert.Equal(envelope.Payload.ToArray(), read.Payload.ToArray());
        Assert.Equal(["a", "b"], read.Headers.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Read_HopHeaderKeys_AreTheSharedStringsAndOthersRoundTrip()
    {
        var envelope = new Envelope
        {
            Id = "e",
            Kind = EnvelopeKind.Request,
            Route = "p/s",
            Headers = { ["stage"] = "s", ["node"] = "sys.echo", ["hop"] = "h1", ["traceparent"] = "tp", ["stagex"] = "x", ["Stage"] = "y" },
        };
        var bytes = new byte[EnvelopeCodec.GetLength(envelope)];
        EnvelopeCodec.Write(envelope, bytes);

        var read = EnvelopeCodec.Read(bytes, 1024);

        // Known keys come back as the one shared string, not a new one per frame; lookalikes are read as they are.
        Assert.Same(StageExecutorKeys.Stage, read.Headers.Keys.Single(k => k == "stage"));
        Assert.Same(StageExecutorKeys.Node, read.Headers.Keys.Single(k => k == "node"));
        Assert.Equal(
            new Dictionary<string, string> { ["stage"] = "s", ["node"] = "sys.echo", ["hop"] = "h1", ["traceparent"] = "tp", ["stagex"] = "x", ["Stage"] = "y" },
            read.Headers);
    }

    private static class StageExecutorKeys
    {
        public static readonly string Stage = Portway.Internal.Routing.StageExecutor.StageHeader;
        public static readonly string Node = Portway.Internal.Routing.StageExecutor.NodeHeader;
    }

    [Fact]
    public void Write_HeadersInAnyInsertionOrder_SameBytesSortedByKey()
    {
        static byte[] Encode(params (string Key, string Value)[] headers)
        {
            var envelope = new Envelope { Id = "e", Route = "p/s", Kind = EnvelopeKind.Request };
            foreach (var (key, value) in headers)
            {
                envelope.Headers[key] = value;
            }

            var bytes = new byte[EnvelopeCodec.GetLength(envelope)];
            EnvelopeCodec.Write(envelope, bytes);
            return bytes;
        }

        var forward = Encode(("a", "1"), ("B", "2"), ("node", "sys.echo"), ("stage", "s"), ("traceparent", "t"));
        var backward = Encode(("traceparent", "t"), ("stage", "s"), ("node", "sys.echo"), ("B", "2"), ("a", "1"));

        Assert.Equal(forward, backward);
        // Ordinal order on the wire (each key is u16 length + UTF-8): "B" < "a" < "node" < "stage" < "traceparent".
        int At(string key) => forward.AsSpan().IndexOf((byte[])[0, (byte)key.Length, .. Encoding.UTF8.GetBytes(key)]);
        Assert.True(At("B") < At("a"));
        Assert.True(At("a") < At("node"));
        Assert.True(At("node") < At("stage"));
        Assert.True(At("stage") < At("traceparent"));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(40)]
    public void Write_ManyHeaders_SortedByKeyOrdinal(int count)
    {
        var keys = Enumerable.Range(0, count).Select(i => (i % 3 == 0 ? "K" : "k") + ((i * 7919) % 1000).ToString("D3", System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToArray();
        var envelope = new Envelope { Id = "e", Route = "p/s", Kind = EnvelopeKind.Request };
        foreach (var key in keys)
        {
            envelope.Headers[key] = key;
        }

        var bytes = new byte[EnvelopeCodec.GetLength(envelope)];
        EnvelopeCodec.Write(envelope, bytes);

        int At(string key) => bytes.AsSpan().IndexOf((byte[])[0, (byte)key.Length, .. Encoding.UTF8.GetBytes(key)]);
        var onWire = keys.OrderBy(At).ToArray();
        Assert.Equal(keys.Order(StringComparer.Ordinal), onWire);
        Assert.Equal(keys.Length, EnvelopeCodec.Read(bytes, 1024).Headers.Count);
    }

    [Fact]
    public void Read_PayloadOverLimit_IsPayloadTooLarge()
    {
        var envelope = new Envelope { Kind = EnvelopeKind.Request, Payload = new byte[100] };
        var bytes = new byte[EnvelopeCodec.GetLength(envelope)];
        EnvelopeCodec.Write(envelope, bytes);

        var ex = Assert.Throws<EnvelopeFormatException>(() => EnvelopeCodec.Read(bytes, 99));

        Assert.Equal(ErrorCode.PayloadTooLarge, ex.ToError().Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(255)]
    public void Read_UnknownKind_IsRejected(byte kind)
    {
        var bytes = new byte[EnvelopeCodec.GetLength(new Envelope())];
        EnvelopeCodec.Write(new Envelope { Kind = EnvelopeKind.Reply }, bytes);
        bytes[1] = kind;

        var ex = Assert.Throws<EnvelopeFormatException>(() => EnvelopeCodec.Read(bytes, 1024));

        Assert.Contains("unknown envelope kind", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EveryTruncation_IsRejectedWithoutOtherExceptions()
    {
        var envelope = new Envelope { Kind = EnvelopeKind.Request, Id = "abc", Headers = { ["k"] = "v" }, Payload = new byte[10] };
        var bytes = new byte[EnvelopeCodec.GetLength(envelope)];
        EnvelopeCodec.Write(envelope, bytes);

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<EnvelopeFormatException>(() => EnvelopeCodec.Read(bytes.AsSpan(0, length), 1024));
        }
    }
}
