using System.Net;
using System.Text;
using System.Text.Json;
using Portway.EndToEnd.Tests.Multiprocess;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Pipelines;

/// <summary>
/// The batch processor fanning its items out over a pipeline whose stage runs in a real worker child (a
/// <c>tcp_local</c> process group) of the real host process; the stage calls a real local service
/// (<see cref="ItemServer"/>) that holds each item until the test releases it, which is how the tests see the order,
/// the concurrency and the cancellation of the items.
/// </summary>
[Collection(WorkerProcesses.Collection)]
public sealed class BatchWorkerEndToEndTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "portway-batch-workers-" + Guid.NewGuid().ToString("N"));
    private readonly List<string> _files = [];
    private ItemServer _items = null!;

    public async Task InitializeAsync() => _items = await ItemServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _items.DisposeAsync();
        foreach (var file in _files) File.Delete(file);
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    /// <summary>The config: <c>batch_item.score</c> (sys.http_call to the item server) in the worker group, <paramref name="concurrency"/> items at once.</summary>
    internal static string Yaml(Uri itemServer, int concurrency) => $$"""
        runtime:
          platform:
            execution_ipc: { transport: tcp_local }
            process_groups:
              - { name: batch_workers, stages: [batch_item.score] }
          egress:
            http:
              - name: scorer
                base_url: {{itemServer}}
                timeout_ms: 600000
                total_timeout_ms: 600000
                retry: { max_retries: 0 }
                breaker: { min_throughput: 10000 }
          web:
            interfaces:
              - kind: http
                endpoints:
                  - { route: "POST /v1/batches", pipeline: batch_submit }
                  - { route: "GET /v1/batches/{id}", pipeline: batch_status }
                  - { route: "DELETE /v1/batches/{id}", pipeline: batch_cancel }
        pipelines:
          batch_submit:
            stages:
              - { name: submit, node: batch.submit, with: { concurrency: {{concurrency}}, item_pipeline: batch_item, item_timeout_ms: 600000 } }
          batch_item:
            stages:
              - { name: score, node: sys.http_call, with: { egress: scorer, path: /score } }
          batch_status: { stages: [ { name: status, node: batch.status } ] }
          batch_cancel: { stages: [ { name: cancel, node: batch.cancel } ] }
        """;

    private async Task<HostProcess> StartAsync(int concurrency)
    {
        var path = WorkerProcesses.WriteConfig(Yaml(_items.BaseAddress, concurrency));
        _files.Add(path);
        return await HostProcess.StartAsync(["serve", "--config", path], new Dictionary<string, string> { ["PORTWAY_DATA_DIR"] = _dataDir });
    }

    internal static async Task<string> SubmitAsync(HttpClient client, int priority, params string[] items)
    {
        using var response = await client.PostAsync("/v1/batches", new StringContent(JsonSerializer.Serialize(new { items, priority }), Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    internal static async Task<JsonElement> GetAsync(HttpClient client, string id, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, $"/v1/batches/{id}");
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    internal static async Task<JsonElement> FinishedAsync(HttpClient client, string id)
    {
        JsonElement batch = default;
        // A cancelled batch says "cancelled" at once; its running items count as cancelled only when their calls have ended.
        await WorkerProcesses.UntilAsync(
            async () => (batch = await GetAsync(client, id)).GetProperty("status").GetString() is "completed" or "cancelled"
                && batch.GetProperty("counts").GetProperty("running").GetInt32() == 0,
            $"batch {id} is finished, no item running");
        return batch;
    }

    [Fact]
    public async Task Items_RunInTheWorker_AtMostConcurrencyAtOnce_HigherPriorityFirst_AFailedItemAlone()
    {
        await using var host = await StartAsync(concurrency: 2);
        var worker = (await WorkerProcesses.WaitReadyAsync(host, 1))["batch_workers-1"];
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = WorkerProcesses.Deadline };

        var owners = new List<int?>();
        async Task<string> ArrivalAsync()
        {
            // While the item is held its connection is open: the socket's owner is the process that runs the stage.
            var item = await _items.NextArrivalAsync();
            var port = _items.Arrivals.First(a => a.Item == item).ClientPort;
            owners.Add(ItemServer.SocketOwner(port, _items.ServerPort, [host.Pid, worker]));
            return item;
        }

        var low = await SubmitAsync(client, 1, "a1", "a2", "fail-a3", "a4");
        var started = new List<string> { await ArrivalAsync(), await ArrivalAsync() };
        Assert.Equal(["a1", "a2"], started.Order());

        // Both places of the pool are taken: the more urgent batch waits, then overtakes a's waiting items.
        var high = await SubmitAsync(client, 9, "b1", "b2");
        Assert.Equal("pending", (await GetAsync(client, high)).GetProperty("status").GetString());
        foreach (var item in (string[])["a1", "a2", "b1", "b2", "fail-a3"])
        {
            // The items run one by one as places free up; the one released, its successor arrives.
            _items.Release(item);
            if (started.Count < 6)
            {
                started.Add(await ArrivalAsync());
            }
        }

        _items.Release("a4");
        var lowBatch = await FinishedAsync(client, low);
        var highBatch = await FinishedAsync(client, high);

        Assert.Equal(["a1", "a2", "b1", "b2", "fail-a3", "a4"], [.. started.Take(2).Order(), .. started.Skip(2)]);
        Assert.Equal(2, _items.MaxInProgress);
        Assert.Equal("completed", highBatch.GetProperty("status").GetString());
        Assert.Equal("completed", lowBatch.GetProperty("status").GetString());
        var counts = lowBatch.GetProperty("counts");
        Assert.Equal((3, 1), (counts.GetProperty("done").GetInt32(), counts.GetProperty("failed").GetInt32()));
        var items = lowBatch.GetProperty("items");
        Assert.Equal("a4", items[3].GetProperty("result").GetProperty("scored").GetString());
        Assert.Equal("bad_gateway", items[2].GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("422", items[2].GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        // Every call came from the worker child, none from the host.
        Assert.Equal(Enumerable.Repeat<int?>(worker, 6), owners);
        Assert.Equal(6, _items.Arrivals.Count);
    }

    [Fact]
    public async Task Cancel_AbortsTheRunningItemsInTheWorker_AndTheWaitingOnesNeverRun()
    {
        await using var host = await StartAsync(concurrency: 2);
        var worker = (await WorkerProcesses.WaitReadyAsync(host, 1))["batch_workers-1"];
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = WorkerProcesses.Deadline };

        var id = await SubmitAsync(client, 5, "c1", "c2", "c3", "c4");
        string[] running = [await _items.NextArrivalAsync(), await _items.NextArrivalAsync()];
        var owners = _items.Arrivals.Select(a => ItemServer.SocketOwner(a.ClientPort, _items.ServerPort, [host.Pid, worker])).ToArray();
        var cancelled = await GetAsync(client, id, HttpMethod.Delete);
        string[] aborted = [await _items.NextAbortAsync(), await _items.NextAbortAsync()];
        var batch = await FinishedAsync(client, id);

        // A later batch runs to the end: the cancelled batch's waiting items were never started before it.
        var next = await SubmitAsync(client, 0, "d1");
        Assert.Equal("d1", await _items.NextArrivalAsync());
        _items.Release("d1");
        var after = await FinishedAsync(client, next);

        Assert.Equal(["c1", "c2"], running.Order());
        Assert.Equal([worker, worker], owners);
        Assert.Equal(["c1", "c2"], aborted.Order());
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal("cancelled", batch.GetProperty("status").GetString());
        Assert.Equal(4, batch.GetProperty("counts").GetProperty("cancelled").GetInt32());
        Assert.Equal("completed", after.GetProperty("status").GetString());
        Assert.Equal(["c1", "c2", "d1"], _items.Arrivals.Select(a => a.Item).Order());
        Assert.Equal(0, _items.InProgress);
    }
}
