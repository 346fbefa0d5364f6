using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Portway.Pipelines.Batches;

namespace Portway.Pipelines.Tests.Batches;

public sealed class BatchProcessorTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static JsonElement[] Items(params string[] items) => items.Select(i => JsonSerializer.SerializeToElement(i)).ToArray();

    private static async Task<List<BatchProgress>> DrainAsync(BatchProcessor processor, string id)
    {
        var events = new List<BatchProgress>();
        using var cts = new CancellationTokenSource(Deadline);
        await foreach (var progress in processor.ProgressAsync(id, cts.Token))
        {
            events.Add(progress);
        }

        return events;
    }

    [Fact]
    public async Task Submit_RunsEveryItem_AndProgressEndsWhenAllAreFinal()
    {
        var gate = new GatedProcessor(gated: false);
        using var processor = new BatchProcessor(gate, 2, _clock);

        var batch = processor.Submit(Items("a", "b", "c"), 5);
        var events = await DrainAsync(processor, batch.Id);
        var status = processor.Get(batch.Id);

        Assert.Equal(3, events.Count);
        Assert.Equal([1, 2, 3], events.Select(e => e.Done));
        Assert.All(events, e => Assert.Equal(3, e.Total));
        Assert.Equal("completed", status.Status);
        Assert.Equal(3, status.Counts.Done);
        Assert.Equal("b", status.Items[1].Result!.Value.GetProperty("echo").GetString());
    }

    [Fact]
    public async Task HigherPriority_OvertakesWaitingItemsOfLowerOnes()
    {
        var gate = new GatedProcessor();
        using var processor = new BatchProcessor(gate, 1, _clock);
        var low = processor.Submit(Items("a1", "a2", "a3"), 1);
        Assert.Equal("a1", await gate.NextStartAsync());
        var high = processor.Submit(Items("b1", "b2"), 9);
        var middle = processor.Submit(Items("c1"), 5);

        var order = new List<string> { "a1" };
        gate.Release("a1");
        for (var i = 0; i < 5; i++)
        {
            var next = await gate.NextStartAsync();
            order.Add(next);
            gate.Release(next);
        }

        await DrainAsync(processor, low.Id);
        Assert.Equal(["a1", "b1", "b2", "c1", "a2", "a3"], order);
        Assert.Equal("completed", processor.Get(high.Id).Status);
        Assert.Equal("completed", processor.Get(middle.Id).Status);
    }

    [Fact]
    public async Task Pool_NeverRunsMoreThanItsConcurrency()
    {
        var gate = new GatedProcessor();
        using var processor = new BatchProcessor(gate, 2, _clock);
        var batch = processor.Submit(Items("a", "b", "c", "d", "e"), 5);
        var first = await gate.NextStartAsync();
        var second = await gate.NextStartAsync();
        Assert.True(gate.NoneStarted());
        Assert.Equal(2, processor.Metrics().Running);
        Assert.Equal(3, processor.Metrics().QueueDepth["5"]);

        foreach (var item in new[] { "a", "b", "c", "d", "e" })
        {
            gate.Release(item);
        }

        await DrainAsync(processor, batch.Id);
        Assert.Equal(["a", "b"], new[] { first, second }.Order());
        Assert.Equal(2, gate.MaxRunning);
        Assert.Equal(0, processor.Metrics().QueueDepth["5"]);
    }

    [Fact]
    public async Task SameContent_IsComputedOnce_AndReusedAsCacheHits()
    {
        var gate = new GatedProcessor(gated: false);
        using var processor = new BatchProcessor(gate, 1, _clock);

        var first = processor.Submit(Items("x", "x", "y"), 5);
        await DrainAsync(processor, first.Id);
        var second = processor.Submit(Items("x"), 5);
        var metrics = processor.Metrics();

        Assert.Equal(2, gate.Calls);
        Assert.Equal(1, processor.Get(first.Id).Counts.CacheHits);
        Assert.Equal(true, processor.Get(first.Id).Items[1].Cached);
        Assert.Equal("completed", second.Status);
        Assert.Equal(1, second.Counts.CacheHits);
        Assert.Equal("x", processor.Get(second.Id).Items[0].Result!.Value.GetProperty("echo").GetString());
        Assert.Equal(2, metrics.CacheHits);
        Assert.Equal(2, metrics.Computed);
        Assert.Equal(0.5, metrics.CacheHitRate);
    }

    [Fact]
    public async Task IdenticalItemRunning_IsWaitedFor_WithoutTakingAPlaceInThePool()
    {
        var gate = new GatedProcessor();
        using var processor = new BatchProcessor(gate, 2, _clock);
        var first = processor.Submit(Items("x"), 5);
        Assert.Equal("x", await gate.NextStartAsync());

        var second = processor.Submit(Items("x", "y"), 5);
        Assert.Equal("y", await gate.NextStartAsync());
        gate.Release("y");
        gate.Release("x");
        await DrainAsync(processor, second.Id);

        Assert.Equal(2, gate.Calls);
        Assert.Equal(true, processor.Get(second.Id).Items[0].Cached);
        Assert.Equal("completed", processor.Get(first.Id).Status);
    }

    [Fact]
    public async Task FailedItem_IsReportedWithItsError_TheOthersComplete()
    {
        var gate = new GatedProcessor(gated: false);
        using var processor = new BatchProcessor(gate, 2, _clock);

        var batch = processor.Submit(Items("a", "fail:bad input", "c"), 5);
        var events = await DrainAsync(processor, batch.Id);
        var status = processor.Get(batch.Id);

        Assert.Equal("completed", status.Status);
        Assert.Equal(2, status.Counts.Done);
        Assert.Equal(1, status.Counts.Failed);
        Assert.Equal("failed", status.Items[1].Status);
        Assert.Equal(new ItemError(ErrorCode.ValidationFailed, "bad input"), status.Items[1].Error);
        Assert.Null(status.Items[1].Result);
        Assert.Contains(events, e => e.Index == 1 && e.Status == "failed" && e.Error!.Message == "bad input");
    }

    [Fact]
    public async Task Cancel_StopsWaitingItems_CancelsRunningOnes_LeavesOtherBatchesAlone()
    {
        var gate = new GatedProcessor();
        using var processor = new BatchProcessor(gate, 1, _clock);
        var doomed = processor.Submit(Items("a1", "a2", "a3"), 5);
        Assert.Equal("a1", await gate.NextStartAsync());
        var other = processor.Submit(Items("b1"), 5);

        var cancelled = processor.Cancel(doomed.Id);
        var events = await DrainAsync(processor, doomed.Id);
        Assert.Equal("b1", await gate.NextStartAsync());
        gate.Release("b1");
        await DrainAsync(processor, other.Id);

        Assert.Equal("cancelled", cancelled.Status);
        Assert.Equal(2, cancelled.Counts.Cancelled);
        Assert.Equal(1, cancelled.Counts.Running);
        Assert.Equal(["a1"], gate.Cancelled);
        Assert.Equal(3, processor.Get(doomed.Id).Counts.Cancelled);
        Assert.All(events, e => Assert.Equal("cancelled", e.Status));
        Assert.Equal("completed", processor.Get(other.Id).Status);
        Assert.Equal(2, gate.Calls);
    }

    [Fact]
    public async Task CancelledLeader_HandsItsIdenticalItemBackToThePool()
    {
        var gate = new GatedProcessor();
        using var processor = new BatchProcessor(gate, 2, _clock);
        var doomed = processor.Submit(Items("x"), 5);
        Assert.Equal("x", await gate.NextStartAsync());
        var waiting = processor.Submit(Items("x"), 5);
        Assert.Equal((0, 1), (processor.Metrics().QueueDepth["5"], processor.Metrics().Running));
        Assert.Equal("running", processor.Get(waiting.Id).Items[0].Status);

        processor.Cancel(doomed.Id);
        Assert.Equal("x", await gate.NextStartAsync());
        gate.Release("x");
        await DrainAsync(processor, waiting.Id);

        Assert.Equal("done", processor.Get(waiting.Id).Items[0].Status);
        Assert.Equal("cancelled", processor.Get(doomed.Id).Items[0].Status);
        Assert.Equal(2, gate.Calls);
    }

    [Fact]
    public async Task Progress_LateSubscriber_GetsTheReplayThenTheRest()
    {
        var gate = new GatedProcessor();
        using var processor = new BatchProcessor(gate, 1, _clock);
        var batch = processor.Submit(Items("a", "b"), 5);
        Assert.Equal("a", await gate.NextStartAsync());
        gate.Release("a");
        Assert.Equal("b", await gate.NextStartAsync());

        using var cts = new CancellationTokenSource(Deadline);
        var progress = processor.ProgressAsync(batch.Id, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await progress.MoveNextAsync());
        var replayed = progress.Current;
        var next = progress.MoveNextAsync().AsTask();
        Assert.False(next.IsCompleted);
        gate.Release("b");
        Assert.True(await next);
        var live = progress.Current;
        Assert.False(await progress.MoveNextAsync());
        await progress.DisposeAsync();

        Assert.Equal((0, 1), (replayed.Index, replayed.Done));
        Assert.Equal((1, 2), (live.Index, live.Done));
    }

    [Fact]
    public async Task Metrics_ItemsPerSecondOverTheLastMinute()
    {
        using var processor = new BatchProcessor(new GatedProcessor(gated: false), 1, _clock);
        var first = processor.Submit(Items("x"), 5);
        await DrainAsync(processor, first.Id);

        processor.Submit(Enumerable.Repeat("x", 5).Select(i => JsonSerializer.SerializeToElement(i)).ToArray(), 5);
        var now = processor.Metrics();
        _clock.Advance(TimeSpan.FromMinutes(1));
        var later = processor.Metrics();

        Assert.Equal(6 / 60.0, now.ItemsPerSecond, 3);
        Assert.Equal(0, later.ItemsPerSecond);
        Assert.Equal(5 / 6.0, later.CacheHitRate, 3);
    }

    [Theory]
    [InlineData(0, 5, "items is required")]
    [InlineData(1001, 5, "items is required")]
    [InlineData(1, 10, "priority must be")]
    [InlineData(1, -1, "priority must be")]
    public void Submit_BadInput_IsValidationFailed(int count, int priority, string start)
    {
        using var processor = new BatchProcessor(new GatedProcessor(gated: false), 1, _clock);

        var ex = Assert.Throws<PortwayException>(() => processor.Submit(Enumerable.Repeat("x", count).Select(i => JsonSerializer.SerializeToElement(i)).ToArray(), priority));

        Assert.Equal(ErrorCode.ValidationFailed, ex.Error.Code);
        Assert.StartsWith(start, ex.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_IsNotFound()
    {
        using var processor = new BatchProcessor(new GatedProcessor(gated: false), 1, _clock);

        Assert.Equal(ErrorCode.NotFound, Assert.Throws<PortwayException>(() => processor.Get("nope")).Error.Code);
        Assert.Equal(ErrorCode.NotFound, Assert.Throws<PortwayException>(() => processor.Cancel("nope")).Error.Code);
    }

    [Fact]
    public async Task CancelledBatch_IsDeliveredOnceWhenEveryItemIsFinal_WithItsTrace()
    {
        var gate = new GatedProcessor();
        var egress = new RecordingEgress();
        var delivery = new BatchDelivery(egress, "results", "/done", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        using var processor = new BatchProcessor(gate, 1, _clock, delivery: delivery);
        const string trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        var batch = processor.Submit(Items("a", "b"), 5, trace);
        Assert.Equal("a", await gate.NextStartAsync());
        processor.Cancel(batch.Id);
        await Portway.Testing.Eventually.TrueAsync(() => delivery.Delivered == 1, Deadline, "the cancelled batch is delivered");

        var (name, request) = Assert.Single(egress.Calls);
        Assert.Equal(("results", "POST", "/done", trace), (name, request.Method, request.Path, request.TraceParent));
        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal((batch.Id, "cancelled"), (body.GetProperty("id").GetString(), body.GetProperty("status").GetString()));
        Assert.Equal(2, body.GetProperty("counts").GetProperty("cancelled").GetInt32());
        Assert.Equal((1L, 0L), (processor.Metrics().Delivered, processor.Metrics().DeliveryFailures));
    }
}
