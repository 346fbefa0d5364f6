using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portway.Observability;

namespace Portway.PublicApi.Tests.NdjsonTcp;

/// <summary>The third-party NDJSON TCP ingress, over real sockets, on the public port only.</summary>
public sealed class NdjsonTcpIngressTests
{
    private static string Code(JsonElement answer) => answer.GetProperty("error").GetProperty("code").GetString()!;

    [Fact]
    public async Task Echo_AnswersTheOutputUnderTheRequestsId()
    {
        await using var host = await NdjsonTcpHost.StartAsync();
        using var client = await host.ConnectAsync();

        await client.SendAsync("""{"id":"a-1","pipeline":"echo","input":{"x":42}}""");
        var answer = await client.ReadAnswerAsync();

        Assert.Equal("a-1", answer.GetProperty("id").GetString());
        Assert.Equal(42, answer.GetProperty("output").GetProperty("x").GetInt32());
        await WaitForNoPendingCallsAsync(host);
    }

    [Fact]
    public async Task ManyInFlightOnOneConnection_EachAnsweredByItsIdAndNoCallLeft()
    {
        await using var host = await NdjsonTcpHost.StartAsync();
        using var client = await host.ConnectAsync();

        // The slow ones first: the quick ones overtake them on the same connection.
        for (var i = 0; i < 5; i++)
        {
            await client.SendAsync($$$"""{"id":{{{i}}},"pipeline":"delay","input":{"ms":300,"n":{{{i}}}}}""");
        }

        for (var i = 5; i < 50; i++)
        {
            await client.SendAsync($$$"""{"id":{{{i}}},"pipeline":"echo","input":{"n":{{{i}}}}}""");
        }

        var seen = new HashSet<int>();
        var order = new List<int>();
        for (var i = 0; i < 50; i++)
        {
            var answer = await client.ReadAnswerAsync();
            var id = answer.GetProperty("id").GetInt32();
            Assert.True(seen.Add(id), $"id {id} answered twice");
            order.Add(id);
            Assert.Equal(id, answer.GetProperty("output").GetProperty("n").GetInt32());
        }

        Assert.Equal(50, seen.Count);
        Assert.True(order.IndexOf(0) > order.IndexOf(5), "a quick request was not answered before a slow one");
        await WaitForNoPendingCallsAsync(host);
    }

    [Fact]
    public async Task NodeError_TheTaxonomyErrorObjectReachesTheAdapter()
    {
        await using var host = await NdjsonTcpHost.StartAsync();
        using var client = await host.ConnectAsync();

        await client.SendAsync("""{"id":7,"pipeline":"fail","input":{"code":"conflict","message":"taken"}}""");
        var answer = await client.ReadAnswerAsync();

        Assert.Equal(7, answer.GetProperty("id").GetInt32());
        Assert.Equal("conflict", Code(answer));
        Assert.Equal("taken", answer.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Deadline_AnswersTimeoutAndTheCallIsGone()
    {
        await using var host = await NdjsonTcpHost.StartAsync();
        using var client = await host.ConnectAsync();

        await client.SendAsync("""{"id":1,"pipeline":"delay","timeout_ms":100,"input":{"ms":20000}}""");
        var answer = await client.ReadAnswerAsync();

        Assert.Equal("timeout", Code(answer));
        await WaitForNoPendingCallsAsync(host);
    }

    [Fact]
    public async Task BadLines_EachGetsItsErrorAndTheConnectionKeepsServing()
    {
        await using var host = await NdjsonTcpHost.StartAsync();
        using var client = await host.ConnectAsync();

        await client.SendAsync("not json");
        Assert.Equal("validation_failed", Code(await client.ReadAnswerAsync()));
        await client.SendAsync("""{"id":2,"pipeline":"nope"}""");
        var unknown = await client.ReadAnswerAsync();
        Assert.Equal(2, unknown.GetProperty("id").GetInt32());
        Assert.Equal("not_found", Code(unknown));
        await client.SendAsync("""{"id":3}""");
        Assert.Equal("validation_failed", Code(await client.ReadAnswerAsync()));

        await client.SendAsync("""{"id":4,"pipeline":"echo","input":{"ok":true}}""");
        Assert.True((await client.ReadAnswerAsync()).GetProperty("output").GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task StreamPipeline_ItemsInOrderThenEnd()
    {
        await using var host = await NdjsonTcpHost.StartAsync();
        using var client = await host.ConnectAsync();

        await client.SendAsync("""{"id":"s","pipeline":"ticks","input":{"count":4,"interval_ms":1}}""");
        var items = new List<int>();
        while (true)
        {
            var answer = await client.ReadAnswerAsync();
            Assert.Equal("s", answer.GetProperty("id").GetString());
            if (answer.TryGetProperty("end", out _))
            {
                break;
            }

            items.Add(answer.GetProperty("item").GetProperty("n").GetInt32());
        }

        Assert.Equal([1, 2, 3, 4], items);
        await WaitForNoPendingCallsAsync(host);
    }

    [Fact]
    public async Task ClientGoesAway_ItsCallsAreCancelledAndNoneIsLeft()
    {
        await using var host = await NdjsonTcpHost.StartAsync();
        using (var client = await host.ConnectAsync())
        {
            await client.SendAsync("""{"id":1,"pipeline":"delay","input":{"ms":60000}}""");
            await client.SendAsync("""{"id":2,"pipeline":"ticks","input":{"count":1000000,"interval_ms":50}}""");
            await WaitAsync(() => host.Status.PendingCalls == 2, "both calls in flight");
        }

        await WaitForNoPendingCallsAsync(host);
    }

    [Fact]
    public async Task Draining_InFlightFinishesNewOnesAreRefusedUnavailable()
    {
        var events = new Recorder();
        var host = await NdjsonTcpHost.StartAsync(s => s.AddSingleton<IBoundaryEventSink>(events));
        using var client = await host.ConnectAsync();
        await client.SendAsync("""{"id":1,"pipeline":"delay","input":{"ms":1500}}""");
        await WaitAsync(() => host.Status.PendingCalls == 1, "the slow call in flight");

        var stopping = host.DisposeAsync().AsTask();
        await WaitAsync(() => host.Status.IsDraining, "draining");
        await client.SendAsync("""{"id":2,"pipeline":"echo","input":{}}""");
        var refused = await client.ReadAnswerAsync();
        var finished = await client.ReadAnswerAsync();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, refused.GetProperty("id").GetInt32());
        Assert.Equal("unavailable", Code(refused));
        Assert.Equal(1, finished.GetProperty("id").GetInt32());
        Assert.True(finished.TryGetProperty("output", out _));
        Assert.Contains(events.Events, e => e.Kind == BoundaryEventKind.IngressRejected && e.Interface == NdjsonTcpIngress.InterfaceName && e.Code == "unavailable");
    }

    [Fact]
    public async Task BoundaryEvents_ReachTheRuntimesSinksAndStats()
    {
        await using var host = await NdjsonTcpHost.StartAsync();
        using var client = await host.ConnectAsync();

        await client.SendAsync("""{"id":1,"pipeline":"echo","input":{}}""");
        await client.ReadAnswerAsync();
        await client.SendAsync("""{"id":2,"pipeline":"fail","input":{"code":"forbidden"}}""");
        await client.ReadAnswerAsync();

        await WaitAsync(() => host.Status.RequestsByOutcome().GetValueOrDefault("forbidden") == 1, "the failure counted");
        Assert.Equal(1, host.Status.RequestsByOutcome()["ok"]);
    }

    private static Task WaitForNoPendingCallsAsync(NdjsonTcpHost host) =>
        WaitAsync(() => host.Status.PendingCalls == 0, "no call pending");

    internal static async Task WaitAsync(Func<bool> condition, string what)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (!condition())
        {
            try
            {
                await timer.WaitForNextTickAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("not true within 30 s: " + what);
            }
        }
    }

    private sealed class Recorder : IBoundaryEventSink
    {
        private readonly List<BoundaryEvent> _events = [];

        public IReadOnlyList<BoundaryEvent> Events
        {
            get
            {
                lock (_events) return _events.ToArray();
            }
        }

        public void OnEvent(BoundaryEvent boundaryEvent)
        {
            lock (_events) _events.Add(boundaryEvent);
        }
    }
}
