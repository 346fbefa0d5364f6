using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portway.Observability;

namespace Portway.Framework.Tests.Routing;

public sealed class PipelineRouterTests
{
    private static void TestNodes(IPortwayBuilder b)
    {
        b.Services.AddSingleton<Probe>();
        b.AddNode<TagNode>("test.tag").AddNode<BarrierNode>("test.barrier").AddNode<HangNode>("test.hang").AddNode<ThrowNode>("test.throw").AddNode<TeapotNode>("test.teapot")
            .AddNode<ContextNode>("test.context").AddNode<RawNode>("test.raw");
    }

    [Fact]
    public async Task Run_NodeErrorCodeOutsideTheTaxonomy_IsAnsweredInternal()
    {
        using var harness = new RouterHarness(RouterHarness.Config(("t", "test.teapot", [])), TestNodes);

        for (var i = 0; i < 3; i++)
        {
            var (kind, payload) = await harness.RunAsync("{}");
            Assert.Equal(EnvelopeKind.Error, kind);
            Assert.Equal(ErrorCode.Internal, PortwayError.FromPayload(System.Text.Encoding.UTF8.GetBytes(payload)).Code);
        }

        // What the ingress counts (its /stats key and metric tag) is the answer's code: internal, never the node's own.
    }

    [Fact]
    public async Task Run_FanOutFanIn_JoinReceivesObjectKeyedByPredecessor()
    {
        using var harness = new RouterHarness(RouterHarness.Config(
            ("a", "test.tag", []), ("b", "test.tag", ["a"]), ("c", "test.tag", ["a"]), ("join", "test.tag", ["b", "c"])), TestNodes);

        var (kind, payload) = await harness.RunAsync("{\"x\":1}");

        Assert.Equal(EnvelopeKind.Reply, kind);
        var expected = JsonNode.Parse("""
            {"by":"join","in":{
              "b":{"by":"b","in":{"by":"a","in":{"x":1}}},
              "c":{"by":"c","in":{"by":"a","in":{"x":1}}}}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(payload)), payload);
    }

    [Fact]
    public async Task Run_FanInOverAnOutputThatIsNotJson_AnswersInternal()
    {
        using var harness = new RouterHarness(RouterHarness.Config(("a", "test.raw", []), ("b", "sys.echo", []), ("join", "sys.echo", ["a", "b"])), TestNodes);

        var (kind, payload) = await harness.RunAsync("{}");

        Assert.Equal(EnvelopeKind.Error, kind);
        var error = PortwayError.FromPayload(System.Text.Encoding.UTF8.GetBytes(payload));
        Assert.Equal(ErrorCode.Internal, error.Code);
        Assert.Contains("stage 'join' answered with malformed JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FanIn_KeepsEachOutputAsWrittenUnderItsEscapedName()
    {
        using var harness = new RouterHarness(RouterHarness.Config(("a\"x", "sys.echo", []), ("b", "sys.echo", []), ("join", "sys.echo", ["a\"x", "b"])), TestNodes);

        var (kind, payload) = await harness.RunAsync(" [1, {\"k\": \"\u00e9\"}] ");

        Assert.Equal(EnvelopeKind.Reply, kind);
        Assert.Equal("{\"a\\u0022x\": [1, {\"k\": \"\u00e9\"}] ,\"b\": [1, {\"k\": \"\u00e9\"}] }", payload);
    }

    [Fact]
    public async Task Run_StagesWithSamePredecessor_RunInParallel()
    {
        using var harness = new RouterHarness(RouterHarness.Config(
            ("a", "sys.echo", []), ("b", "test.barrier", ["a"]), ("c", "test.barrier", ["a"]), ("join", "sys.echo", ["b", "c"])), TestNodes);

        var (kind, payload) = await harness.RunAsync("{}").WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(EnvelopeKind.Reply, kind);
        Assert.Equal("""{"b":"b","c":"c"}""", payload);
    }

    [Fact]
    public async Task Run_StageError_EndsRunWithThatErrorAndCancelsRunningStages()
    {
        var config = RouterHarness.Config(("a", "sys.echo", []), ("slow", "test.hang", ["a"]), ("bad", "sys.fail", ["a"]), ("join", "sys.echo", ["slow", "bad"]));
        config.Pipelines["p"].Stages[2].With = new JsonObject { ["code"] = "conflict", ["message"] = "profile exists" };
        using var harness = new RouterHarness(config, TestNodes);

        var (kind, payload) = await harness.RunAsync("{}").WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(EnvelopeKind.Error, kind);
        Assert.Equal(new PortwayError(ErrorCode.Conflict, "profile exists"), PortwayError.FromPayload(System.Text.Encoding.UTF8.GetBytes(payload)));
        await harness.Get<Probe>().Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(harness.Sink.Events, e => e.Stage == "join");
    }

    [Fact]
    public async Task Run_NodeThrows_AnswersInternalWithoutDetails()
    {
        using var harness = new RouterHarness(RouterHarness.Config(("boom", "test.throw", [])), TestNodes);

        var (kind, payload) = await harness.RunAsync("{}");

        Assert.Equal(EnvelopeKind.Error, kind);
        var error = PortwayError.FromPayload(System.Text.Encoding.UTF8.GetBytes(payload));
        Assert.Equal(ErrorCode.Internal, error.Code);
        Assert.DoesNotContain("bug", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_EmitsOneRoutingHandoffPerStage_InDependencyOrder()
    {
        using var harness = new RouterHarness(RouterHarness.Config(("first", "sys.echo", []), ("second", "sys.echo", ["first"])));

        await harness.RunAsync("{}");

        var handoffs = harness.Sink.Events.Where(e => e.Kind == BoundaryEventKind.RoutingHandoff).Select(e => e.Stage!).ToArray();
        Assert.Equal(new[] { "first", "second" }, handoffs);
    }

    [Fact]
    public async Task Run_CallerCancels_StopsTheRunningStage()
    {
        using var harness = new RouterHarness(RouterHarness.Config(("slow", "test.hang", [])), TestNodes);
        using var cts = new CancellationTokenSource();

        var run = harness.RunAsync("{}", cts.Token);
        await harness.Sink.WaitForAsync(e => e.Kind == BoundaryEventKind.RoutingHandoff);
        await cts.CancelAsync();

        var (kind, _) = await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(EnvelopeKind.Error, kind);
        await harness.Get<Probe>().Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Run_UnknownPipeline_IsNotFound()
    {
        using var harness = new RouterHarness(RouterHarness.Config(("a", "sys.echo", [])));
        var request = new Envelope { Kind = EnvelopeKind.Request, Route = "nope", Payload = "{}"u8.ToArray() };

        var answer = await harness.Router.RunAsync(request, "test", CancellationToken.None);

        Assert.Equal(ErrorCode.NotFound, PortwayError.FromPayload(answer.Payload.Span).Code);
    }
}
