using System.Text;
using System.Text.Json.Nodes;
using Portway.Configuration;
using Portway.Internal.Routing;

namespace Portway.Framework.Tests.Routing;

/// <summary><c>auth.sign_in_process</c>: in-process hops are unsigned by default, signed and verified when asked.</summary>
public sealed class InProcessSigningTests
{
    private static PortwayConfig Config(string mode, bool signInProcess, params (string Name, string Node, string[] After)[] stages)
    {
        var config = RouterHarness.Config(stages);
        config.Runtime.Platform.ExecutionIpc.Auth.Mode = mode;
        config.Runtime.Platform.ExecutionIpc.Auth.SignInProcess = signInProcess;
        return config;
    }

    [Theory]
    [InlineData("hmac", false, false)]
    [InlineData("hmac", true, true)]
    [InlineData("none", false, false)]
    public void MemoryTransport_SignsHops_OnlyWhenAskedAndHmac(string mode, bool signInProcess, bool expected)
    {
        using var harness = new RouterHarness(Config(mode, signInProcess, ("a", "sys.echo", [])));

        Assert.Equal(expected, harness.Get<MemoryStageTransport>().SignsHops);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_FanOutFanIn_SameAnswerSignedOrNot(bool signInProcess)
    {
        using var harness = new RouterHarness(Config("hmac", signInProcess, ("a", "sys.echo", []), ("b", "sys.echo", ["a"]), ("c", "sys.echo", ["a"]), ("join", "sys.echo", ["b", "c"])));

        var (kind, payload) = await harness.RunAsync("{\"x\":1}");

        Assert.Equal(EnvelopeKind.Reply, kind);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("{\"b\":{\"x\":1},\"c\":{\"x\":1}}"), JsonNode.Parse(payload)), payload);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_NodeContext_HasPipelineStageAndTraceContext_SignedOrNot(bool signInProcess)
    {
        using var harness = new RouterHarness(
            Config("hmac", signInProcess, ("first", "sys.echo", []), ("second", "test.context", ["first"])),
            b => b.AddNode<ContextNode>("test.context"));
        var traceId = EnvelopeIds.NewTraceId();
        var request = Envelope.CreateRequest("p", traceId, EnvelopeIds.NewId(), "00-" + traceId + "-" + EnvelopeIds.NewSpanId() + "-01", "", "{}"u8.ToArray());

        var answer = await harness.Router.RunAsync(request, "test", CancellationToken.None);

        Assert.Equal(EnvelopeKind.Reply, answer.Kind);
        var context = JsonNode.Parse(answer.Payload.Span)!;
        Assert.Equal("p", (string?)context["pipeline"]);
        Assert.Equal("second", (string?)context["stage"]);
        // The request's trace: its own context, or (when a listener samples the stage spans) the stage span's in that trace.
        Assert.StartsWith("00-" + traceId + "-", (string?)context["traceparent"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_SignedInProcess_EveryItemArrivesInOrder()
    {
        using var harness = new RouterHarness(Config("hmac", signInProcess: true, ("ticks", "sys.ticks", [])));
        var request = RouterHarness.Request("""{"count":4,"interval_ms":1}""");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var answers = new List<(EnvelopeKind Kind, string Payload)>();
        await foreach (var answer in harness.Router.StreamAsync(request, "test", deadline.Token))
        {
            answers.Add((answer.Kind, Encoding.UTF8.GetString(answer.Payload.Span)));
        }

        Assert.Equal(
            [(EnvelopeKind.StreamItem, "{\"n\":1}"), (EnvelopeKind.StreamItem, "{\"n\":2}"), (EnvelopeKind.StreamItem, "{\"n\":3}"), (EnvelopeKind.StreamItem, "{\"n\":4}")],
            answers.Where(a => a.Kind == EnvelopeKind.StreamItem));
        Assert.Equal(EnvelopeKind.StreamEnd, answers[^1].Kind);
    }
}
