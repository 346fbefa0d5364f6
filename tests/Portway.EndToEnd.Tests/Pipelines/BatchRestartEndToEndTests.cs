using Portway.EndToEnd.Tests.Multiprocess;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Pipelines;

/// <summary>
/// The real host process stopped (SIGTERM) and started again on the same data directory (memory kv + snapshot):
/// every batch keeps its status and results, and its waiting items, and the one that was running, run again (in
/// the worker, once it is ready: an item answered unavailable meanwhile waits and tries again).
/// </summary>
[Collection(WorkerProcesses.Collection)]
public sealed class BatchRestartEndToEndTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "portway-batch-restart-" + Guid.NewGuid().ToString("N"));
    private string _config = "";
    private ItemServer _items = null!;

    public async Task InitializeAsync()
    {
        _items = await ItemServer.StartAsync();
        _config = WorkerProcesses.WriteConfig(BatchWorkerEndToEndTests.Yaml(_items.BaseAddress, concurrency: 1));
    }

    public async Task DisposeAsync()
    {
        await _items.DisposeAsync();
        File.Delete(_config);
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    private Task<HostProcess> StartAsync() =>
        HostProcess.StartAsync(["serve", "--config", _config], new Dictionary<string, string> { ["PORTWAY_DATA_DIR"] = _dataDir });

    [Fact]
    public async Task Restart_KeepsBatchesAndResults_AndRunsTheWaitingAndTheInterruptedItemsAgain()
    {
        string a, b;
        await using (var first = await StartAsync())
        {
            await WorkerProcesses.WaitReadyAsync(first, 1);
            using var client = new HttpClient { BaseAddress = first.BaseAddress, Timeout = WorkerProcesses.Deadline };
            a = await BatchWorkerEndToEndTests.SubmitAsync(client, 2, "r1", "r2", "r3");
            Assert.Equal("r1", await _items.NextArrivalAsync());
            b = await BatchWorkerEndToEndTests.SubmitAsync(client, 7, "s1");
            _items.Release("r1");
            Assert.Equal("s1", await _items.NextArrivalAsync());

            // s1 is running when the host is told to stop: its call is aborted, it is not failed nor cancelled.
            first.Terminate();
            Assert.Equal("s1", await _items.NextAbortAsync());
            Assert.Equal(0, await first.WaitForExitAsync(WorkerProcesses.Deadline));
        }

        await using var second = await StartAsync();
        using var client2 = new HttpClient { BaseAddress = second.BaseAddress, Timeout = WorkerProcesses.Deadline };
        var resumed = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            resumed.Add(await _items.NextArrivalAsync());
            _items.Release(resumed[^1]);
        }

        var batchA = await BatchWorkerEndToEndTests.FinishedAsync(client2, a);
        var batchB = await BatchWorkerEndToEndTests.FinishedAsync(client2, b);

        Assert.Equal(["s1", "r2", "r3"], resumed);
        Assert.Equal(["r1", "s1", "s1", "r2", "r3"], _items.Arrivals.Select(x => x.Item));
        Assert.Equal(("completed", "completed"), (batchA.GetProperty("status").GetString(), batchB.GetProperty("status").GetString()));
        Assert.Equal(["r1", "r2", "r3"], batchA.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("result").GetProperty("scored").GetString()));
        Assert.Equal("s1", batchB.GetProperty("items")[0].GetProperty("result").GetProperty("scored").GetString());
        Assert.True(File.Exists(Path.Combine(_dataDir, "batches", "batches.snapshot.json")));
    }
}
