using System.Text;
using Portway.Internal.Security;

namespace Portway.Framework.Tests.Security;

/// <summary>A link's decoder reuses the strings of the fields that repeat from frame to frame, and only those.</summary>
public sealed class DecodedStringsTests
{
    [Fact]
    public void Read_RepeatingFields_AreTheSameStringsFrameAfterFrame_OthersAreNew()
    {
        var strings = new DecodedStrings(EnvelopeCodec.DecodedStringSlots);
        var first = EnvelopeCodec.Read(Bytes(Hop("h1", "00-a-b-01")), 1024, strings);
        var second = EnvelopeCodec.Read(Bytes(Hop("h2", "00-c-d-01")), 1024, strings);

        Assert.Same(first.Route, second.Route);
        Assert.Same(first.Tenant, second.Tenant);
        Assert.Same(first.Headers["node"], second.Headers["node"]);
        Assert.Same(first.Headers["pipeline"], second.Headers["pipeline"]);
        Assert.Same(first.Headers["stage"], second.Headers["stage"]);

        // The per-hop values are read as they are, never taken for an earlier frame's.
        Assert.Equal(("h1", "h2"), (first.Headers["hop"], second.Headers["hop"]));
        Assert.Equal(("00-a-b-01", "00-c-d-01"), (first.Headers["traceparent"], second.Headers["traceparent"]));
        Assert.NotSame(first.Id, second.Id);
        Assert.Equal(("p/s", "acme", "sys.echo", "p", "s"), (second.Route, second.Tenant, second.Headers["node"], second.Headers["pipeline"], second.Headers["stage"]));
    }

    [Fact]
    public void Read_DifferentValuesOfARepeatingField_EachComesBackAsSent()
    {
        var strings = new DecodedStrings(EnvelopeCodec.DecodedStringSlots);
        var routes = Enumerable.Range(0, 10).Select(i => $"p{i}/s").ToArray();

        // More values than a field remembers, twice over, interleaved: each frame reads its own value.
        foreach (var route in routes.Concat(routes).Concat(routes.Reverse()))
        {
            var envelope = Hop("h", "tp");
            envelope.Route = route;
            envelope.Headers["stage"] = route;
            var read = EnvelopeCodec.Read(Bytes(envelope), 1024, strings);
            Assert.Equal(route, read.Route);
            Assert.Equal(route, read.Headers["stage"]);
        }
    }

    [Fact]
    public void Get_InvalidUtf8AndLongValues_ReadAsWithoutTheCache()
    {
        var strings = new DecodedStrings(EnvelopeCodec.DecodedStringSlots);
        byte[] invalid = [(byte)'a', 0xff, 0xfe, (byte)'b'];
        Assert.Equal(Encoding.UTF8.GetString(invalid), strings.Get(DecodedStrings.Route, invalid));
        Assert.Equal(Encoding.UTF8.GetString(invalid), strings.Get(DecodedStrings.Route, invalid));

        var longValue = Encoding.UTF8.GetBytes(new string('x', 129));
        var once = strings.Get(DecodedStrings.Route, longValue);
        var twice = strings.Get(DecodedStrings.Route, longValue);
        Assert.Equal(new string('x', 129), twice);
        Assert.NotSame(once, twice);
        Assert.Same("", strings.Get(DecodedStrings.Route, []));
    }

    private static Envelope Hop(string hop, string traceparent) => new()
    {
        Id = EnvelopeIds.NewId(),
        Kind = EnvelopeKind.Request,
        Route = "p/s",
        TraceId = EnvelopeIds.NewTraceId(),
        RequestId = EnvelopeIds.NewId(),
        Tenant = "acme",
        Headers = { ["hop"] = hop, ["node"] = "sys.echo", ["pipeline"] = "p", ["stage"] = "s", ["traceparent"] = traceparent },
        Payload = "{}"u8.ToArray(),
    };

    private static byte[] Bytes(Envelope envelope)
    {
        var bytes = new byte[EnvelopeCodec.GetLength(envelope)];
        EnvelopeCodec.Write(envelope, bytes);
        return bytes;
    }
}
