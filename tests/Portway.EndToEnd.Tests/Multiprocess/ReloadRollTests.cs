using System.Net;
using System.Text;
using System.Text.Json;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Multiprocess;

/// <summary>
/// A config reload that changes a process group (its node, its replicas) rolls the group's real worker children: the
/// new ones start, the switch is at once, a hop in flight on an old worker finishes there, and the old ones stop;
/// no request fails meanwhile.
/// </summary>
[Collection(WorkerProcesses.Collection)]
public sealed class ReloadRollTests : IDisposable
{
    private const string Yaml = """
        runtime:
          platform:
            execution_ipc: { transport: tcp_local }
            process_groups:
              - { name: cpu, stages: [work.core], replicas: REPLICAS }
          web:
            drain_timeout_ms: 30000
            interfaces:
              - kind: http
                endpoints:
                  - { route: "POST /v1/work", pipeline: work, timeout_ms: 60000 }
        pipelines:
          work: { stages: [ { name: core, node: NODE } ] }
        """;

    private readonly string _path = Path.Combine(Path.GetTempPath(), "portway-roll-" + Guid.NewGuid().ToString("N") + ".yaml");
    private readonly List<int> _pids = [];

    public void Dispose()
    {
        File.Delete(_path);
        foreach (var pid in _pids) WorkerProcesses.Kill(pid);
    }

    private void Write(string node, int replicas) =>
        File.WriteAllText(_path, Yaml.Replace("NODE", node, StringComparison.Ordinal).Replace("REPLICAS", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

    private static async Task<JsonElement> StatsAsync(HttpClient client)
    {
        using var stats = JsonDocument.Parse(await client.GetStringAsync(new Uri("/stats", UriKind.Relative)));
        return stats.RootElement.Clone();
    }

    private static async Task<(HttpStatusCode Status, string Body)> WorkAsync(HttpClient client, int ms)
    {
        // sys.delay waits ms and echoes; sys.fail answers the code asked for: which node ran is in the answer.
        using var response = await client.PostAsync(new Uri("/v1/work", UriKind.Relative),
            new StringContent($$"""{"ms":{{ms}},"code":"conflict","message":"the new node ran"}""", Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Reload_ChangedGroup_RollsItsWorkers_InFlightFinishesOnTheOld_NoRequestFails()
    {
        Write("sys.delay", 1);
        await using var host = await HostProcess.StartAsync(["serve", "--config", _path]);
        var old = await WorkerProcesses.WaitReadyAsync(host, 1);
        _pids.AddRange(old.Values);
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        Assert.Equal(HttpStatusCode.OK, (await WorkAsync(client, 1)).Status);

        // A long hop in flight on the old worker across the whole roll.
        var inFlight = WorkAsync(client, 8000);
        await WorkerProcesses.UntilAsync(async () => (await StatsAsync(client)).GetProperty("process_groups").EnumerateArray()
            .Single(g => g.GetProperty("name").GetString() == "cpu").GetProperty("workers")[0].GetProperty("hops_in_flight").GetInt32() == 1,
            "the long request is on the old worker");

        // Load all along: every answer is the old node's (200) or the new one's (409), never unavailable or a timeout.
        using var stopLoad = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            var answers = new List<HttpStatusCode>();
            while (!stopLoad.IsCancellationRequested) answers.Add((await WorkAsync(client, 20)).Status);
            return answers;
        });

        Write("sys.fail", 2);
        await WorkerProcesses.UntilAsync(async () => (await StatsAsync(client)).GetProperty("config").GetProperty("version").GetInt64() == 2 || host.HasExited,
            "the reload rolled the group and applied");
        Assert.False(host.HasExited, host.Output);
        var (longStatus, longBody) = await inFlight.WaitAsync(WorkerProcesses.Deadline);
        var after = await WorkAsync(client, 1);
        await stopLoad.CancelAsync();
        var answers = await load.WaitAsync(WorkerProcesses.Deadline);

        Assert.Equal(HttpStatusCode.OK, longStatus); // finished on the version it started with
        Assert.Contains("\"ms\":8000", longBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, after.Status);
        Assert.Contains("the new node ran", after.Body, StringComparison.Ordinal);
        Assert.NotEmpty(answers);
        Assert.All(answers, a => Assert.True(a is HttpStatusCode.OK or HttpStatusCode.Conflict, $"a request during the roll answered {(int)a}"));

        var newWorkers = WorkerProcesses.Latest(host.Output).Where(w => w.Key.EndsWith("-v2", StringComparison.Ordinal)).ToDictionary();
        _pids.AddRange(newWorkers.Values);
        Assert.Equal(["cpu-1-v2", "cpu-2-v2"], newWorkers.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(old.Values.Single(), newWorkers.Values);
        await Eventually.TrueAsync(() => !WorkerProcesses.IsRunning(old.Values.Single()), WorkerProcesses.Deadline, "the old worker stopped");

        // The supervisor drops the old worker from /stats once it has seen the exit: a moment after the process is gone.
        static string[] Ids(JsonElement stats) => stats.GetProperty("process_groups").EnumerateArray().Single(g => g.GetProperty("name").GetString() == "cpu")
            .GetProperty("workers").EnumerateArray().Select(w => w.GetProperty("id").GetString()!).Order(StringComparer.Ordinal).ToArray();
        await WorkerProcesses.UntilAsync(async () => Ids(await StatsAsync(client)).Length == 2, "/stats lists only the new workers");
        var stats = await StatsAsync(client);
        var cpu = stats.GetProperty("process_groups").EnumerateArray().Single(g => g.GetProperty("name").GetString() == "cpu");
        Assert.Equal(["cpu-1-v2", "cpu-2-v2"], Ids(stats));
        Assert.Equal(2, cpu.GetProperty("ready").GetInt32());
        Assert.Equal(2, cpu.GetProperty("replicas").GetInt32()); // the config serving now, not the startup one (replicas: 1)
        Assert.Equal(["work.core"], cpu.GetProperty("stages").EnumerateArray().Select(s => s.GetString()!));
        Assert.Equal(0, stats.GetProperty("pending_waiters").GetInt32());
        Assert.Contains("group(s) cpu switched to 2 new worker(s); 1 old worker(s) drain and stop", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_ChangedEndpoint_IsRefusedAsNeedingARestart_NothingChanges()
    {
        Write("sys.delay", 1);
        await using var host = await HostProcess.StartAsync(["serve", "--config", _path]);
        var old = await WorkerProcesses.WaitReadyAsync(host, 1);
        _pids.AddRange(old.Values);
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };

        // A new route and a changed group together: nothing of it applies (all or nothing), the workers are not rolled.
        File.WriteAllText(_path, File.ReadAllText(_path).Replace("POST /v1/work\"", "POST /v1/work2\"", StringComparison.Ordinal)
            .Replace("sys.delay", "sys.fail", StringComparison.Ordinal));
        await Eventually.TrueAsync(() => host.Output.Contains("needs a restart", StringComparison.Ordinal), WorkerProcesses.Deadline, "the refusal was logged");

        Assert.Contains("runtime.web (interfaces, endpoints, listen, policies) changed: that needs a restart", host.Output, StringComparison.Ordinal);
        Assert.Equal(1, (await StatsAsync(client)).GetProperty("config").GetProperty("version").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await WorkAsync(client, 1)).Status);
        Assert.DoesNotContain("Config reload: starting worker", host.Output, StringComparison.Ordinal);
        Assert.True(WorkerProcesses.IsRunning(old.Values.Single()));
    }
}
