using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portway.Internal.Correlation;
using Portway.Internal.Routing;

namespace Portway.Framework.Tests.Routing;

/// <summary>The stream port end to end inside the framework: dispatcher, router, memory transport (signed), stream nodes, waiter.</summary>
public sealed class StreamDispatcherTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static void TestNodes(IPortwayBuilder b)
    {
        b.Services.AddSingleton<Probe>();
        b.AddStreamNode<FailingStreamNode>("test.stream_fail")
            .AddStreamNode<ForeverStreamNode>("test.stream_forever")
            .AddStreamNode<CountStreamNode>("test.stream_count")
            .AddStreamNode<ThrowingStreamNode>("test.stream_throw")
            .AddNode<TagNode>("test.tag");
    }

    private static Envelope Request(string input) => new()
    {
        Id = EnvelopeIds.NewId(),
        Kind = EnvelopeKind.Request,
        Route = "p",
        TraceId = EnvelopeIds.NewTraceId(),
        RequestId = EnvelopeIds.NewId(),
        Payload = Encoding.UTF8.GetBytes(input),
    };

    private static async Task<(List<string> Items, WaiterResult Result)> ReadAllAsync(StreamWaiter waiter)
    {
        var items = new List<string>();
        await foreach (var item in waiter.Items.ReadAllAsync().WithCancellation(new CancellationTokenSource(Deadline).Token))
        {
            Assert.Equal(EnvelopeKind.StreamItem, item.Kind);
            items.Add(Encoding.UTF8.GetString(item.Payload.Span));
        }

        return (items, waiter.Result);
    }

    private static StreamWaiter Open(RouterHarness harness, string input, TimeSpan? itemTimeout = null, CancellationToken caller = default) =>
        harness.Get<StreamDispatcher>().Open(Request(input), itemTimeout ?? Deadline, caller, "test");

    [Fact]
    public async Task Open_TicksPipeline_ItemsInOrderThenEndAndNoWaiterLeft()
    {
        using var harness = new RouterHarness(RouterHarness.Config(("ticks", "sys.ticks", [])), TestNodes);

        var waiter = Open(harness, """{"count":5,"interval_ms":1}""");
        var (items, result) = await ReadAllAsync(waiter);

        Assert.Equal(["{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}", "{\"n\":5}"], items);
        Assert.Equal(WaiterEnd.Answered, result.End);
        Assert.Null(result.Error);
        Assert.Equal(EnvelopeKind.StreamEnd, result.Answer!.Kind);
        Assert.Equal(0, harness.Get<WaiterRegistry>().Pending);
    }

    [Fact]
    public async Task Open_StagesBeforeStreamSink_SinkStreamsOverTheirOutput()
    {
        var config = RouterHarness.Config(("a", "sys.echo", []), ("ticks", "sys.ticks", ["a"]));
        config.Pipelines["p"].Stages[0].With = new JsonObject { ["count"] = 3 };
        using var harness = new RouterHarness(config, TestNodes);

        var (items, result) = await ReadAllAsync(Open(harness, "{}"));

        Assert.Equal(["{\"n\":1}", "{\"n\":2}", "{\"n\":3}"], items);
        Assert.Null(result.Error);
    }

    [Fact]
    public async Task Open_StageBeforeSinkFails_NoItemsAndThatError()
    {
        var config = RouterHarness.Config(("bad", "sys.fail", []), ("ticks", "sys.ticks", ["bad"]));
        config.Pipelines["p"].Stages[0].With = new JsonObject { ["code"] = "forbidden", ["message"] = "not yours" };
        using var harness = new RouterHarness(config, TestNodes);

        var (items, result) = await ReadAllAsync(Open(harness, "{}"));

        Assert.Empty(items);
        Assert.Equal(new PortwayError(ErrorCode.Forbidden, "not yours"), result.Error);
    }

    [Fact]
    public async Task Open_NodeFailsMidStream_ItemsBeforeThenItsErrorAndNothingAfter()
    {
        using var harness = new RouterHarness(RouterHarness.Config(("s", "test.stream_fail", [])), TestNodes);

        var (items, result) = await ReadAllAsync(Open(harness, "{}"));

        Assert.Equal(["1", "2"], items);
        Assert.Equal(new PortwayError(ErrorCode.Conflict, "third item refused"), result.Error);
        Assert.Equal(0, harness.Get<WaiterRegistry>().Pending);
    }

    [Fact]
    public async Task Open_NodeThrowsMidStream_InternalWithoutDetails()
    {
        using var harness = new RouterHarness(RouterHarness.Config(("s", "test.stream_throw", [])), TestNodes);

        var (items, result) = await ReadAllAsync(Open(harness, "{}"));

        Assert.Equal(["1"], items);
        Assert.Equal(ErrorCode.Internal, result.Error!.Code);
        Assert.DoesNotContain("secret", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_CallerCancels_NodeIsCancelledAndWaiterRemoved()
    {
        using var harness = new RouterHarness(RouterHarness.Config(("s", "test.stream_forever", [])), TestNodes);
        using var caller = new CancellationTokenSource();

        var waiter = Open(harness, "{}", caller: caller.Token);
        Assert.True(await waiter.Items.WaitToReadAsync().AsTask().WaitAsync(Deadline));
        caller.Cancel();
        var (items, result) = await ReadAllAsync(waiter);

        Assert.Equal(["\"first\""], items);
        Assert.Equal(WaiterEnd.CallerCancelled, result.End);
        Assert.Equal(ErrorCode.Unavailable, result.Error!.Code);
        await harness.Get<Probe>().Cancelled.Task.WaitAsync(Deadline);
        Assert.Equal(0, harness.Get<WaiterRegistry>().Pending);
    }

    [Fact]
    public async Task Fail_ClientCancelsOneStream_NodeIsCancelled()
    {
        using var harness = new RouterHarness(RouterHarness.Config(("s", "test.stream_forever", [])), TestNodes);

        var waiter = Open(harness, "{}");
        Assert.True(await waiter.Items.WaitToReadAsync().AsTask().WaitAsync(Deadline));
        Assert.True(waiter.Fail(WaiterEnd.CallerCancelled));

        await harness.Get<Probe>().Cancelled.Task.WaitAsync(Deadline);
        Assert.Equal(0, harness.Get<WaiterRegistry>().Pending);
        Assert.False(waiter.Fail(WaiterEnd.Timeout));
    }

    [Fact]
    public async Task Open_NoItemWithinItemTimeout_TimeoutAndNodeCancelled()
    {
        using var harness = new RouterHarness(RouterHarness.Config(("s", "test.stream_forever", [])), TestNodes);

        var (items, result) = await ReadAllAsync(Open(harness, "{}", itemTimeout: TimeSpan.FromMilliseconds(300)));

        Assert.Equal(["\"first\""], items);
        Assert.Equal(ErrorCode.Timeout, result.Error!.Code);
        await harness.Get<Probe>().Cancelled.Task.WaitAsync(Deadline);
        Assert.Equal(0, harness.Get<WaiterRegistry>().Pending);
    }

    [Fact]
    public async Task Open_ManyMoreItemsThanCapacity_AllArriveInOrderNeverMoreThanCapacityHeld()
    {
        using var harness = new RouterHarness(RouterHarness.Config(("s", "test.stream_count", [])), TestNodes);
        const int N = StreamWaiter.Capacity * 20;

        var waiter = Open(harness, $$"""{"n":{{N}}}""");
        var next = 1;
        using var deadline = new CancellationTokenSource(Deadline);
        while (await waiter.Items.WaitToReadAsync(deadline.Token))
        {
            Assert.InRange(waiter.Items.Count, 0, StreamWaiter.Capacity);
            while (waiter.Items.TryRead(out var item))
            {
                Assert.Equal(next.ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8.GetString(item.Payload.Span));
                next++;
            }
        }

        Assert.Equal(N + 1, next);
        Assert.Null(waiter.Result.Error);
    }

    [Fact]
    public async Task Open_TicksWithoutCount_ValidationFailed()
    {
        using var harness = new RouterHarness(RouterHarness.Config(("ticks", "sys.ticks", [])), TestNodes);

        var (items, result) = await ReadAllAsync(Open(harness, """{"interval_ms":5}"""));

        Assert.Empty(items);
        Assert.Equal(ErrorCode.ValidationFailed, result.Error!.Code);
        Assert.Contains("count", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_RequestResponsePipeline_InternalErrorNamingThePort()
    {
        using var harness = new RouterHarness(RouterHarness.Config(("e", "sys.echo", [])), TestNodes);

        var (items, result) = await ReadAllAsync(Open(harness, "{}"));

        Assert.Empty(items);
        Assert.Equal(ErrorCode.Internal, result.Error!.Code);
        Assert.Contains("request/response", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_StreamPipeline_InternalErrorNamingThePort()
    {
        using var harness = new RouterHarness(RouterHarness.Config(("ticks", "sys.ticks", [])), TestNodes);

        var (kind, payload) = await harness.RunAsync("""{"count":1}""");

        Assert.Equal(EnvelopeKind.Error, kind);
        Assert.Contains("stream port", payload, StringComparison.Ordinal);
        Assert.True(harness.Get<RoutingTable>().IsStream("p"));
    }

    [Fact]
    public void RoutingTable_StreamNodeBeforeTheSink_StopsStartupNamingTheStage()
    {
        var config = RouterHarness.Config(("ticks", "sys.ticks", []), ("e", "sys.echo", ["ticks"]));

        var ex = Assert.Throws<InvalidOperationException>(() => new RouterHarness(config, TestNodes));

        Assert.Contains("stage 'ticks'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("only the sink stage may stream", ex.Message, StringComparison.Ordinal);
    }
}
