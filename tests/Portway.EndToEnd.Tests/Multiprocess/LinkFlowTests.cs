using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Portway.EndToEnd.Tests.Observability;
using Portway.Testing;
using Xunit.Abstractions;

namespace Portway.EndToEnd.Tests.Multiprocess;

/// <summary>
/// Flow on the tcp_local link between the real host and a real worker child (issue 11, item 9): a node that holds
/// its thread does not delay the worker's other hops; a worker that stops reading (frozen with SIGSTOP) is declared
/// dead by the host's write stall deadline, its callers answered 503, and the supervisor restarts it.
/// </summary>
[Collection(WorkerProcesses.Collection)]
public sealed class LinkFlowTests : IDisposable
{
    private const string Yaml = """
        runtime:
          platform:
            execution_ipc: { transport: tcp_local }
            process_groups:
              - { name: cpu, stages: [slow.wait, quick.echo] }
          web:
            interfaces:
              - kind: http
                endpoints:
                  - { route: "POST /v1/slow", pipeline: slow, timeout_ms: 60000, max_body_bytes: 1048576 }
                  - { route: "POST /v1/quick", pipeline: quick }
        pipelines:
          slow: { stages: [ { name: wait, node: sys.delay } ] }
          quick: { stages: [ { name: echo, node: sys.echo } ] }
        """;

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "portway-flow-data-" + Guid.NewGuid().ToString("N"));
    private readonly List<string> _files = [];
    private readonly List<int> _pids = [];
    private readonly ITestOutputHelper _log;

    public LinkFlowTests(ITestOutputHelper log) => _log = log;

    private async Task<HostProcess> StartAsync()
    {
        var path = WorkerProcesses.WriteConfig(Yaml);
        _files.Add(path);
        return await HostProcess.StartAsync(["serve", "--config", path], new Dictionary<string, string> { ["PORTWAY_DATA_DIR"] = _dataDir });
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<int> PendingAsync(HttpClient client)
    {
        using var stats = JsonDocument.Parse(await client.GetStringAsync("/stats"));
        return stats.RootElement.GetProperty("pending_waiters").GetInt32();
    }

    [Fact]
    public async Task NodeHoldingItsThread_InAWorker_FastRequestsToTheSameWorkerAreAnsweredMeanwhile()
    {
        await using var host = await StartAsync();
        _pids.Add((await WorkerProcesses.WaitReadyAsync(host, 1))["cpu-1"]);
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(90) };
        using var warm = await client.PostAsync("/v1/quick", Json("{\"warm\":1}"));
        Assert.Equal(HttpStatusCode.OK, warm.StatusCode);

        // 30 s holding a thread of the worker (one worker: every hop below goes over the same link).
        var slow = client.PostAsync("/v1/slow", Json("{\"ms\":30000,\"blocking\":true}"));
        await WorkerProcesses.UntilAsync(async () => await PendingAsync(client) == 1, "the slow request is in flight");

        for (var i = 0; i < 3; i++)
        {
            using var quick = await client.PostAsync("/v1/quick", Json($"{{\"quick\":{i}}}"));
            Assert.Equal(HttpStatusCode.OK, quick.StatusCode);
            Assert.Equal($"{{\"quick\":{i}}}", await quick.Content.ReadAsStringAsync());
            Assert.False(slow.IsCompleted, "the fast request was answered while the slow node still held its thread");
        }

        using var done = await slow.WaitAsync(WorkerProcesses.Deadline);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        await WorkerProcesses.UntilAsync(async () => await PendingAsync(client) == 0, "pending_waiters returns to 0");
    }

    [Fact]
    public async Task WorkerThatStopsReading_IsDeclaredDeadByTheWriteStallDeadline_CallersGet503_ItIsRestarted()
    {
        await using var host = await StartAsync();
        var before = (await WorkerProcesses.WaitReadyAsync(host, 1))["cpu-1"];
        _pids.Add(before);
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(90) };
        using var warm = await client.PostAsync("/v1/quick", Json("{\"warm\":1}"));
        Assert.Equal(HttpStatusCode.OK, warm.StatusCode);

        // Frozen: the kernel still takes bytes into its socket buffer until it is full, then the host's writes stall.
        WorkerProcesses.Freeze(before);
        var frozenAt = Stopwatch.GetTimestamp();
        var pad = new string('p', 512 * 1024);
        var calls = Enumerable.Range(0, 40).Select(async _ =>
        {
            using var response = await client.PostAsync("/v1/slow", Json($"{{\"ms\":50000,\"pad\":\"{pad}\"}}"));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }).ToArray();
        var answers = await Task.WhenAll(calls).WaitAsync(WorkerProcesses.Deadline);
        _log.WriteLine($"every caller answered {Stopwatch.GetElapsedTime(frozenAt).TotalMilliseconds:0} ms after the freeze");

        Assert.All(answers, a =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, a.StatusCode);
            Assert.Contains("\"code\":\"unavailable\"", a.Body, StringComparison.Ordinal);
        });

        // The write stall deadline (5 s) caught it, not the heartbeat timeout (10 s).
        Assert.Contains("the peer stopped reading", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("no heartbeat for", host.Output, StringComparison.Ordinal);

        // Counted once, in /stats and as a metric.
        using (var stats = JsonDocument.Parse(await client.GetStringAsync("/stats")))
        {
            Assert.Equal(1, stats.RootElement.GetProperty("tcp_local").GetProperty("stalled_peers").GetInt64());
        }

        var samples = await PrometheusText.ParseAsync(await client.GetStringAsync("/metrics"));
        Assert.Equal(1, samples.Single(s => s.Name == "portway_tcp_local_peers_stalled_total").Value);

        await Eventually.TrueAsync(() => WorkerProcesses.Latest(host.Output)["cpu-1"] != before, WorkerProcesses.Deadline, "the worker was restarted");
        _pids.Add(WorkerProcesses.Latest(host.Output)["cpu-1"]);
        Assert.False(WorkerProcesses.IsRunning(before), "the frozen child was killed");
        using var quick = await client.PostAsync("/v1/quick", Json("{\"after\":\"restart\"}"));
        Assert.Equal(HttpStatusCode.OK, quick.StatusCode);
        await WorkerProcesses.UntilAsync(async () => await PendingAsync(client) == 0, "pending_waiters returns to 0");
    }

    public void Dispose()
    {
        foreach (var pid in _pids) WorkerProcesses.Kill(pid);
        foreach (var file in _files) File.Delete(file);
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }
}
