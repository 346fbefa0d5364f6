using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portway.Configuration;
using Portway.Kv;
using Portway.Pipelines.Batches;

namespace Portway.Pipelines.Tests.Batches;

/// <summary>
/// The batches on the kv port (the runtime's own memory backend; a kv that outlives the host, as Redis does) and in
/// the snapshot (a memory kv emptied by the restart): what a restart keeps, and which items run again.
/// </summary>
public sealed class BatchPersistenceTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "portway-batch-persist-" + Guid.NewGuid().ToString("N"));
    private readonly List<ServiceProvider> _providers = [];
    private readonly List<BatchProcessor> _processors = [];

    private string SnapshotPath => Path.Combine(_folder, BatchPersistence.SnapshotFileName);

    public void Dispose()
    {
        foreach (var processor in _processors) processor.Dispose();
        foreach (var provider in _providers) provider.Dispose();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private static JsonElement[] Items(params string[] items) => items.Select(i => JsonSerializer.SerializeToElement(i)).ToArray();

    private IKvStore NewKv()
    {
        var services = new ServiceCollection().AddSingleton<TimeProvider>(_clock);
        services.AddPortway(new PortwayConfig());
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<IKvStore>();
    }

    private async Task<(BatchProcessor Processor, BatchPersistence Persistence)> OpenAsync(GatedProcessor gate, IKvStore kv, string? snapshot, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        var persistence = new BatchPersistence(kv, snapshot, _clock, TimeSpan.FromSeconds(30), logger ?? NullLogger.Instance);
        var processor = new BatchProcessor(gate, 1, _clock) { Persistence = persistence };
        _processors.Add(processor);
        await persistence.LoadAsync(processor, CancellationToken.None);
        return (processor, persistence);
    }

    /// <summary>What the host does when it stops: the processor stops (running items go back to waiting), then everything is written.</summary>
    private static async Task StopAsync(BatchProcessor processor, BatchPersistence persistence)
    {
        processor.Stop();
        await processor.WhenStoppedAsync().WaitAsync(Deadline);
        await persistence.FlushAsync();
    }

    private static async Task<BatchView> FinishedAsync(BatchProcessor processor, string id)
    {
        using var cts = new CancellationTokenSource(Deadline);
        await foreach (var _ in processor.ProgressAsync(id, cts.Token))
        {
        }

        return processor.Get(id);
    }

    /// <summary>Submits a (3 items, priority 2) and b (2 items, priority 7); a1 and b1 finish, b2 is running when the host stops.</summary>
    private static async Task<(string A, string B)> RunUntilStopAsync(BatchProcessor processor, GatedProcessor gate)
    {
        var a = processor.Submit(Items("a1", "a2", "fail:a3"), 2).Id;
        Assert.Equal("a1", await gate.NextStartAsync());
        var b = processor.Submit(Items("b1", "b2"), 7).Id;
        gate.Release("a1");
        Assert.Equal("b1", await gate.NextStartAsync());
        gate.Release("b1");
        Assert.Equal("b2", await gate.NextStartAsync());
        return (a, b);
    }

    [Fact]
    public async Task Restart_OnAKvThatOutlivesTheHost_KeepsResults_AndRunsWaitingAndInterruptedItemsAgain()
    {
        var kv = NewKv();
        var firstGate = new GatedProcessor();
        var (first, firstPersistence) = await OpenAsync(firstGate, kv, snapshot: null);
        var (a, b) = await RunUntilStopAsync(first, firstGate);

        await StopAsync(first, firstPersistence);
        var stopped = first.Get(b);

        var gate = new GatedProcessor();
        var (second, _) = await OpenAsync(gate, kv, snapshot: null);
        var resumed = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            resumed.Add(await gate.NextStartAsync());
            gate.Release(resumed[^1]);
        }

        var batchA = await FinishedAsync(second, a);
        var batchB = await FinishedAsync(second, b);

        Assert.Equal("pending", stopped.Items[1].Status);
        Assert.Equal(["b2", "a2", "fail:a3"], resumed);
        Assert.Equal(3, gate.Calls);
        Assert.Equal(("completed", "completed"), (batchA.Status, batchB.Status));
        Assert.Equal("a1", batchA.Items[0].Result!.Value.GetProperty("echo").GetString());
        Assert.Equal("b2", batchB.Items[1].Result!.Value.GetProperty("echo").GetString());
        Assert.Equal("validation_failed", batchA.Items[2].Error!.Code);
        Assert.Equal(new[] { BatchPersistence.KeyPrefix + a, BatchPersistence.KeyPrefix + b }.Order(StringComparer.Ordinal), await kv.ListKeysAsync(BatchPersistence.KeyPrefix));
    }

    [Fact]
    public async Task Restart_OnTheMemoryBackend_ReadsTheSnapshot_AndAResultComputedBeforeIsACacheHit()
    {
        var firstGate = new GatedProcessor();
        var (first, firstPersistence) = await OpenAsync(firstGate, NewKv(), SnapshotPath);
        var (a, b) = await RunUntilStopAsync(first, firstGate);
        await StopAsync(first, firstPersistence);

        // A new memory kv: only the snapshot survived.
        var kv = NewKv();
        var gate = new GatedProcessor(gated: false);
        var (second, _) = await OpenAsync(gate, kv, SnapshotPath);
        var batchA = await FinishedAsync(second, a);
        var batchB = await FinishedAsync(second, b);
        var again = await FinishedAsync(second, second.Submit(Items("a1"), 5).Id);

        Assert.True(File.Exists(SnapshotPath));
        Assert.Equal(("completed", "completed"), (batchA.Status, batchB.Status));
        Assert.Equal((2, 1), (batchA.Counts.Done, batchA.Counts.Failed));
        Assert.Equal(3, gate.Calls);
        Assert.True(again.Items[0].Cached);
    }

    [Fact]
    public async Task CancelledBatch_StaysCancelled_AndItsItemsNeverRunAgain()
    {
        var kv = NewKv();
        var firstGate = new GatedProcessor();
        var (first, firstPersistence) = await OpenAsync(firstGate, kv, snapshot: null);
        var id = first.Submit(Items("c1", "c2"), 5).Id;
        Assert.Equal("c1", await firstGate.NextStartAsync());
        first.Cancel(id);
        await FinishedAsync(first, id);
        await StopAsync(first, firstPersistence);

        var gate = new GatedProcessor(gated: false);
        var (second, _) = await OpenAsync(gate, kv, snapshot: null);
        var batch = second.Get(id);

        Assert.Equal("cancelled", batch.Status);
        Assert.Equal(2, batch.Counts.Cancelled);
        Assert.Equal(0, gate.Calls);
    }

    [Fact]
    public async Task Snapshot_ThatFails_IsLogged_AndWrittenAtTheNextTick()
    {
        var snapshot = await BlockedSnapshot.CreateAsync(_folder, BatchPersistence.SnapshotFileName);
        var logger = new RecordingLogger();
        var (processor, persistence) = await OpenAsync(new GatedProcessor(gated: false), NewKv(), snapshot.Path, logger);
        var id = processor.Submit(Items("s1"), 5).Id;
        await FinishedAsync(processor, id);

        var failed = $"batches: snapshot to {snapshot.Path} failed";
        await snapshot.FailThenWriteAsync(_clock, TimeSpan.FromSeconds(30), logger, failed);
        await StopAsync(processor, persistence);

        var saved = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllBytesAsync(snapshot.Path))!.AsArray();
        Assert.Equal(id, saved.Single()!["id"]!.GetValue<string>());
        Assert.Single(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message == failed);
    }

    [Fact]
    public async Task Restart_FromASnapshotWithAnUnreadableBatch_SkipsItWithTheReasonLogged_AndLoadsTheOthers()
    {
        var kv = NewKv();
        var firstGate = new GatedProcessor(gated: false);
        var (first, firstPersistence) = await OpenAsync(firstGate, kv, SnapshotPath);
        var id = first.Submit(Items("d1"), 5).Id;
        await FinishedAsync(first, id);
        await StopAsync(first, firstPersistence);
        var records = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllBytesAsync(SnapshotPath))!.AsArray();
        var broken = records[0]!.DeepClone();
        broken["id"] = "broken";
        broken["priority"] = "high";
        records.Insert(0, broken);
        await File.WriteAllTextAsync(SnapshotPath, records.ToJsonString());

        var logger = new RecordingLogger();
        var (second, _) = await OpenAsync(new GatedProcessor(gated: false), NewKv(), SnapshotPath, logger);

        Assert.Equal("completed", second.Get(id).Status);
        var skipped = Assert.Single(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning).Message;
        Assert.StartsWith($"batches: stored batch at {SnapshotPath} [0] (id broken) skipped (not loaded): ", skipped, StringComparison.Ordinal);
        Assert.Contains("priority", skipped, StringComparison.Ordinal);
    }
}
