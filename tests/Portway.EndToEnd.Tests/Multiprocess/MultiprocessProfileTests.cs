using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Portway.Testing;
using Xunit.Abstractions;

namespace Portway.EndToEnd.Tests.Multiprocess;

/// <summary>
/// The real host executable with supervised worker children (real processes, real sockets), over HTTP:
/// config/multiprocess.yaml end to end, a worker killed with SIGKILL, the host killed with SIGKILL, SIGTERM.
/// </summary>
[Collection(WorkerProcesses.Collection)]
public sealed class MultiprocessProfileTests : IDisposable
{
    private const string SlowYaml = """
        runtime:
          platform:
            execution_ipc: { transport: tcp_local }
            process_groups:
              - { name: cpu, stages: [slow.wait, quick.echo] }
          web:
            drain_timeout_ms: 20000
            interfaces:
              - kind: http
                endpoints:
                  - { route: "POST /v1/slow", pipeline: slow, timeout_ms: 60000 }
                  - { route: "POST /v1/quick", pipeline: quick }
        pipelines:
          slow: { stages: [ { name: wait, node: sys.delay } ] }
          quick:
            stages:
              - { name: echo, node: sys.echo }
              - { name: web_tail, node: sys.echo, after: [echo] }
        """;

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "portway-mp-data-" + Guid.NewGuid().ToString("N"));
    private readonly List<string> _files = [];
    private readonly List<int> _pids = [];
    private readonly ITestOutputHelper _log;

    public MultiprocessProfileTests(ITestOutputHelper log) => _log = log;

    private async Task<HostProcess> StartAsync(string configPath)
    {
        var host = await HostProcess.StartAsync(["serve", "--config", configPath], new Dictionary<string, string> { ["PORTWAY_DATA_DIR"] = _dataDir });
        return host;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<int> PendingAsync(HttpClient client)
    {
        using var stats = JsonDocument.Parse(await client.GetStringAsync("/stats"));
        return stats.RootElement.GetProperty("pending_waiters").GetInt32();
    }

    [Fact]
    public async Task Feedback_MultiprocessProfile_ExtractRunsInTwoWorkersAndAnswers()
    {
        await using var host = await StartAsync(RepoPaths.Config("multiprocess.yaml"));
        var workers = (await WorkerProcesses.WaitReadyAsync(host, 3)).Where(w => w.Key.StartsWith("cpu_sync-", StringComparison.Ordinal)).ToDictionary();
        _pids.AddRange(workers.Values);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        await DemoTokens.AuthorizeAsync(client);

        using var put = await client.PutAsync("/v1/tenants/acme/profiles/alice", Json("{\"vector\":[0.5,0.4,0.3,0.2,0.1,0.6,0.7,0.8]}"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await client.PostAsync("/v1/resonance/feedback", Json("{\"tenant\":\"acme\",\"profile_name\":\"alice\",\"text\":\"Hello there! How are you today?\"}"));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        using var first = JsonDocument.Parse(answers[0].Body);
        Assert.Equal(8, first.RootElement.GetProperty("hrv").GetArrayLength());
        Assert.Equal(8, first.RootElement.GetProperty("hrv_feedback").GetArrayLength());
        Assert.Equal(["cpu_sync-1", "cpu_sync-2"], workers.Keys.Order());
        Assert.All(workers.Values, pid => Assert.EndsWith("Portway.Host\0worker\0--group\0cpu_sync\0", File.ReadAllText($"/proc/{pid}/cmdline"), StringComparison.Ordinal));
        Assert.Equal(0, await PendingAsync(client));
        Assert.DoesNotContain("\"secret\"", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_MultiprocessProfile_ItemsRunInTheBatchWorker_CancelReachesThem()
    {
        await using var host = await StartAsync(RepoPaths.Config("multiprocess.yaml"));
        var workers = await WorkerProcesses.WaitReadyAsync(host, 3);
        _pids.AddRange(workers.Values);
        var worker = workers["batch_workers-1"];
        Assert.EndsWith("Portway.Host\0worker\0--group\0batch_workers\0", File.ReadAllText($"/proc/{worker}/cmdline"), StringComparison.Ordinal);
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = WorkerProcesses.Deadline };

        // Two items that wait a minute (work_ms) and one quick item; the slow ones are held where their stage runs.
        using var submitted = await client.PostAsync("/v1/batches", Json("""
            {"priority":5,"items":["Hello there! How are you today?",{"text":"Slow one, are you there?","work_ms":60000},{"text":"Slow two, are you there?","work_ms":60000}]}
            """));
        var submitBody = await submitted.Content.ReadAsStringAsync();
        Assert.True(submitted.StatusCode == HttpStatusCode.OK, submitBody);
        var id = JsonDocument.Parse(submitBody).RootElement.GetProperty("id").GetString()!;
        // Both read together: the quick item's hop may still count in /stats a moment after the batch has its result.
        JsonElement running = default;
        await WorkerProcesses.UntilAsync(
            async () => await BatchWorkerHopsAsync(client) == 2
                && (running = await Pipelines.BatchWorkerEndToEndTests.GetAsync(client, id)).GetProperty("counts").GetProperty("running").GetInt32() == 2,
            "the two slow items are running, in flight in the batch worker");
        Assert.Equal((1, 2), (running.GetProperty("counts").GetProperty("done").GetInt32(), running.GetProperty("counts").GetProperty("running").GetInt32()));
        Assert.Equal(8, running.GetProperty("items")[0].GetProperty("result").GetProperty("hrv").GetArrayLength());

        // Cancelling the batch cancels the calls into the worker: its hops end, the quick item's result stays.
        _ = await Pipelines.BatchWorkerEndToEndTests.GetAsync(client, id, HttpMethod.Delete);
        await WorkerProcesses.UntilAsync(async () => await BatchWorkerHopsAsync(client) == 0, "the batch worker has no item in flight after the cancel");
        var finished = await Pipelines.BatchWorkerEndToEndTests.FinishedAsync(client, id);
        Assert.Equal("cancelled", finished.GetProperty("status").GetString());
        Assert.Equal((1, 2), (finished.GetProperty("counts").GetProperty("done").GetInt32(), finished.GetProperty("counts").GetProperty("cancelled").GetInt32()));
        Assert.Equal(0, await PendingAsync(client));
        Assert.DoesNotContain("Restarting worker", host.Output, StringComparison.Ordinal);
    }

    /// <summary>The calls in flight into the batch_workers group's worker, from /stats.</summary>
    private static async Task<int> BatchWorkerHopsAsync(HttpClient client)
    {
        using var stats = JsonDocument.Parse(await client.GetStringAsync("/stats"));
        var group = stats.RootElement.GetProperty("process_groups").EnumerateArray().Single(g => g.GetProperty("name").GetString() == "batch_workers");
        return group.GetProperty("workers").EnumerateArray().Sum(w => w.GetProperty("hops_in_flight").GetInt32());
    }

    [Fact]
    public async Task RawBytes_AgainstTheHostsWorkerListener_AreRefusedAndRequestsGoOn()
    {
        await using var host = await StartAsync(Write(SlowYaml));
        _pids.Add((await WorkerProcesses.WaitReadyAsync(host, 1))["cpu-1"]);
        var port = int.Parse(System.Text.RegularExpressions.Regex.Match(host.Output, @"tcp_local listening on 127\.0\.0\.1:(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        foreach (var bytes in new[] { garbage, [0x7f, 0xff, 0xff, 0xff, 1, 2, 3, 4] })
        {
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, port);
            await socket.SendAsync(bytes);
            Assert.True(await ClosedByHostAsync(socket), "the host closes a connection that sends no frames");
        }

        using var quick = await client.PostAsync("/v1/quick", Json("{\"still\":\"here\"}"));
        Assert.Equal(HttpStatusCode.OK, quick.StatusCode);
        Assert.Contains("tcp_local connection refused: ", host.Output, StringComparison.Ordinal);
        Assert.Contains("not a valid admission token", host.Output, StringComparison.Ordinal);
        Assert.Single(WorkerProcesses.Ready(host.Output));
        using var stats = JsonDocument.Parse(await client.GetStringAsync("/stats"));
        Assert.True(stats.RootElement.GetProperty("tcp_local").GetProperty("refused_connections").GetInt64() >= 2);
    }

    [Fact]
    public async Task WorkerKilled_WhileEveryWaitingSlotOfTheListenerIsHeld_ComesBack()
    {
        await using var host = await StartAsync(Write(SlowYaml));
        var before = (await WorkerProcesses.WaitReadyAsync(host, 1))["cpu-1"];
        _pids.Add(before);
        var port = int.Parse(System.Text.RegularExpressions.Regex.Match(host.Output, @"tcp_local listening on 127\.0\.0\.1:(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        var holders = new List<System.Net.Sockets.Socket>();
        try
        {
            // ipc_hold.py's attack: more silent connections than the listener lets wait, kept open through the restart.
            for (var i = 0; i < 1100; i++)
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                holders.Add(socket);
                await socket.ConnectAsync(IPAddress.Loopback, port);
            }

            WorkerProcesses.Kill(before);

            await Eventually.TrueAsync(() => WorkerProcesses.Latest(host.Output)["cpu-1"] != before, WorkerProcesses.Deadline, "the worker was restarted and admitted");
            _pids.Add(WorkerProcesses.Latest(host.Output)["cpu-1"]);
            using var quick = await client.PostAsync("/v1/quick", Json("{\"after\":\"restart\"}"));
            Assert.Equal(HttpStatusCode.OK, quick.StatusCode);
        }
        finally
        {
            foreach (var socket in holders) socket.Dispose();
        }

        // Refusals are counted, and logged at a bounded rate (not one line each).
        using var stats = JsonDocument.Parse(await client.GetStringAsync("/stats"));
        Assert.True(stats.RootElement.GetProperty("tcp_local").GetProperty("refused_connections").GetInt64() >= 1100 - 1024);
        Assert.True(host.Output.Split('\n').Count(l => l.Contains("tcp_local connection refused", StringComparison.Ordinal)) < 200);
    }

    [Fact]
    public async Task WorkerKilled_RequestsInFlight_Get503AtOnceThenTheWorkerRestartsAndServes()
    {
        await using var host = await StartAsync(Write(SlowYaml));
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(90) };

        // The first crash also warms up (JIT) the host's crash path; the second is timed.
        for (var round = 1; round <= 2; round++)
        {
            var before = (await WorkerProcesses.WaitReadyAsync(host, 1))["cpu-1"];
            _pids.Add(before);
            var inFlight = Enumerable.Range(0, 5).Select(_ => SlowAsync(client)).ToArray();
            await WorkerProcesses.UntilAsync(async () => await PendingAsync(client) == 5, "5 requests in flight");

            var killedAt = Stopwatch.GetTimestamp();
            WorkerProcesses.Kill(before);
            var answers = await Task.WhenAll(inFlight).WaitAsync(WorkerProcesses.Deadline);

            Assert.All(answers, a =>
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, a.StatusCode);
                Assert.Contains("\"code\":\"unavailable\"", a.Body, StringComparison.Ordinal);
            });
            var slowest = answers.Max(a => Stopwatch.GetElapsedTime(killedAt, a.At));
            _log.WriteLine($"round {round}: 503s after {answers.Min(a => Stopwatch.GetElapsedTime(killedAt, a.At)).TotalMilliseconds:0}..{slowest.TotalMilliseconds:0} ms");
            var limit = round == 1 ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(1);
            Assert.True(slowest < limit, $"round {round}: the last caller waited {slowest.TotalMilliseconds:0} ms after the kill (its deadline was 60 s)");

            await Eventually.TrueAsync(() => WorkerProcesses.Latest(host.Output)["cpu-1"] != before, WorkerProcesses.Deadline, "the worker was restarted");
            _pids.Add(WorkerProcesses.Latest(host.Output)["cpu-1"]);
            using var quick = await client.PostAsync("/v1/quick", Json("{\"after\":\"restart\"}"));
            Assert.Equal(HttpStatusCode.OK, quick.StatusCode);
            Assert.Equal("{\"after\":\"restart\"}", await quick.Content.ReadAsStringAsync());
            using var slow = await client.PostAsync("/v1/slow", Json("{\"ms\":1}"));
            Assert.Equal(HttpStatusCode.OK, slow.StatusCode);
            await WorkerProcesses.UntilAsync(async () => await PendingAsync(client) == 0, "pending_waiters returns to 0");
        }

        Assert.Contains("Worker cpu-1 exited with code 137", host.Output, StringComparison.Ordinal);
        Assert.Contains("Restarting worker cpu-1", host.Output, StringComparison.Ordinal);
        Assert.Contains("5 hop(s) in flight answered unavailable", host.Output, StringComparison.Ordinal);
    }

    /// <summary>A slow request; its time is taken when the response headers arrive.</summary>
    private static async Task<(HttpStatusCode StatusCode, string Body, long At)> SlowAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/slow") { Content = Json("{\"ms\":50000}") };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var at = Stopwatch.GetTimestamp();
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), at);
    }

    [Fact]
    public async Task HostKilled_WithSigkill_WorkersExitOnTheirOwn()
    {
        var host = await StartAsync(Write(SlowYaml.Replace("stages: [slow.wait, quick.echo] }", "stages: [slow.wait, quick.echo], replicas: 2 }", StringComparison.Ordinal)));
        try
        {
            var workers = await WorkerProcesses.WaitReadyAsync(host, 2);
            _pids.AddRange(workers.Values);

            WorkerProcesses.Kill(host.Pid);

            await Eventually.TrueAsync(() => !workers.Values.Any(WorkerProcesses.IsRunning), WorkerProcesses.Deadline, "every worker exited after its host was killed");
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task HostTerminated_DrainsThroughTheWorkerThenStopsIt()
    {
        await using var host = await StartAsync(Write(SlowYaml));
        var worker = (await WorkerProcesses.WaitReadyAsync(host, 1))["cpu-1"];
        _pids.Add(worker);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        var inFlight = client.PostAsync("/v1/slow", Json("{\"ms\":3000}"));
        await WorkerProcesses.UntilAsync(async () => await PendingAsync(client) == 1, "the request is in flight");

        host.Terminate();

        using var drained = await inFlight.WaitAsync(WorkerProcesses.Deadline);
        Assert.Equal(HttpStatusCode.OK, drained.StatusCode);
        Assert.Equal(0, await host.WaitForExitAsync(WorkerProcesses.Deadline));
        Assert.False(WorkerProcesses.IsRunning(worker));
        Assert.Contains("Worker cpu-1 stopping: the host closed stdin", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Restarting worker", host.Output, StringComparison.Ordinal);
        Assert.Contains("Worker cpu-1 stopped (exit code 0)", host.Output, StringComparison.Ordinal);
    }

    /// <summary>The host closed the connection: a read of 0 bytes or a reset (it closed with our bytes unread).</summary>
    private static async Task<bool> ClosedByHostAsync(System.Net.Sockets.Socket socket)
    {
        using var timeout = new CancellationTokenSource(WorkerProcesses.Deadline);
        try
        {
            return await socket.ReceiveAsync(new byte[16], timeout.Token) == 0;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return true;
        }
    }

    private string Write(string yaml)
    {
        var path = WorkerProcesses.WriteConfig(yaml);
        _files.Add(path);
        return path;
    }

    public void Dispose()
    {
        foreach (var pid in _pids) WorkerProcesses.Kill(pid);
        foreach (var file in _files) File.Delete(file);
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }
}
