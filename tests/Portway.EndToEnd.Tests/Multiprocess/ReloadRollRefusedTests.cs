using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Portway.Configuration;
using Portway.Internal.Hosting;
using Portway.Internal.Security;
using Portway.Internal.Supervision;
using Portway.Internal.Transport.TcpLocal;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Multiprocess;

/// <summary>
/// A reload whose new worker never connects: the roll gives up after the ready timeout, stops the new child, and nothing
/// changes (the old worker and routes keep serving, <c>/stats</c> still shows the running config). Real children: the host
/// executable for the old worker, a child that never says hello for the new one; the supervisor's clock is a fake one,
/// moved past the ready timeout once the new child runs (no sleep).
/// </summary>
[Collection(WorkerProcesses.Collection)]
public sealed class ReloadRollRefusedTests : IDisposable
{
    private const string Yaml = """
        runtime:
          platform:
            execution_ipc: { transport: tcp_local }
            process_groups:
              - { name: cpu, stages: [work.core], replicas: REPLICAS }
          web:
            drain_timeout_ms: 2000
            interfaces:
              - kind: http
                endpoints:
                  - { route: "POST /v1/work", pipeline: work, timeout_ms: 30000 }
        pipelines:
          work: { stages: [ { name: core, node: NODE } ] }
        """;

    private readonly string _marker = Path.Combine(Path.GetTempPath(), "portway-roll-refused-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _supervisorTime = new(DateTimeOffset.UtcNow);
    private readonly List<int> _pids = [];
    private string _yaml = Text("sys.delay", 1);

    public void Dispose()
    {
        File.Delete(_marker);
        foreach (var pid in _pids) WorkerProcesses.Kill(pid);
    }

    private static string Text(string node, int replicas) =>
        Yaml.Replace("NODE", node, StringComparison.Ordinal).Replace("REPLICAS", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private static ConfigLoadResult Load(string yaml) =>
        PortwayConfigLoader.Load(yaml, "roll.yaml", TestConfig.KnownNodes, Portway.Host.KnownNodes.StreamNames, Portway.Host.KnownNodes.KvStreamNames);

    /// <summary>
    /// Each worker child is the host executable in worker mode, except once the marker file exists: then a child that
    /// reads its stdin and never connects (it ends when the supervisor closes its stdin).
    /// </summary>
    private WorkerExecutable Workers()
    {
        var host = Path.Combine(AppContext.BaseDirectory, "Portway.Host");
        return new WorkerExecutable("/bin/sh", ["-c", $"if [ -e '{_marker}' ]; then exec cat > /dev/null; fi; exec '{host}' \"$@\"", "sh"]);
    }

    private Task<PortwayTestServer> StartAsync() => PortwayTestServer.StartAsync(TestConfig.Load(_yaml), s =>
    {
        var workers = Workers();
        s.AddSingleton(workers);
        s.AddSingleton(new ConfigReloadSource(() => Load(_yaml), null, watch: false));
        s.AddSingleton(sp => new WorkerSupervisor(sp.GetRequiredService<PortwayConfig>(), sp.GetRequiredService<IpcSecret>(), sp.GetRequiredService<TcpLocalListener>(),
            workers, new RestartPolicy(), _supervisorTime, sp.GetRequiredService<ILogger<WorkerSupervisor>>()));
    });

    private static async Task<JsonElement> StatsAsync(HttpClient client)
    {
        using var stats = JsonDocument.Parse(await client.GetStringAsync(new Uri("/stats", UriKind.Relative)));
        return stats.RootElement.Clone();
    }

    private static JsonElement Cpu(JsonElement stats) =>
        stats.GetProperty("process_groups").EnumerateArray().Single(g => g.GetProperty("name").GetString() == "cpu");

    private static string[] WorkerIds(JsonElement stats) =>
        Cpu(stats).GetProperty("workers").EnumerateArray().Select(w => w.GetProperty("id").GetString()!).Order(StringComparer.Ordinal).ToArray();

    private static async Task<(HttpStatusCode Status, string Body)> WorkAsync(HttpClient client)
    {
        // sys.delay (the old node) echoes; sys.fail (the new one) would answer 409.
        using var response = await client.PostAsync(new Uri("/v1/work", UriKind.Relative),
            new StringContent("""{"ms":1,"code":"conflict","message":"the new node ran"}""", Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Reload_NewWorkerNeverConnects_IsRefusedWithTheReason_OldWorkerKeepsServing_NothingChanges()
    {
        await using var server = await StartAsync();
        var supervisor = server.Services.GetRequiredService<WorkerSupervisor>();
        var reloader = server.Services.GetRequiredService<IPortwayConfigReloader>();
        await WorkerProcesses.UntilAsync(async () => Cpu(await StatsAsync(server.Client)).GetProperty("ready").GetInt32() == 1, "the old worker is ready");
        var oldPid = supervisor.Pids["cpu-1"];
        _pids.Add(oldPid);
        Assert.Equal(HttpStatusCode.OK, (await WorkAsync(server.Client)).Status);

        // A new node and 2 replicas; the first new worker starts and never says hello.
        File.WriteAllText(_marker, "");
        _yaml = Text("sys.fail", 2);
        var reload = Task.Run(reloader.Reload);
        await Eventually.TrueAsync(() => supervisor.Pids.ContainsKey("cpu-1-v2"), WorkerProcesses.Deadline, "the new worker's child runs");
        var newPid = supervisor.Pids["cpu-1-v2"];
        _pids.Add(newPid);
        Assert.False(reload.IsCompleted);
        _supervisorTime.Advance(supervisor.ReadyTimeout + TimeSpan.FromSeconds(1));
        var result = await reload.WaitAsync(WorkerProcesses.Deadline);

        Assert.False(result.Applied);
        Assert.Equal(1, result.Version);
        var problem = Assert.Single(result.Problems);
        Assert.Contains("worker cpu-1-v2 of process group 'cpu' with the new config did not connect within 60000 ms", problem.Message, StringComparison.Ordinal);
        Assert.Contains("the old workers keep serving", problem.Message, StringComparison.Ordinal);

        // Nothing changed: the old worker serves the old node, the new child is stopped, the second one never started.
        var (status, body) = await WorkAsync(server.Client);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"ms\":1", body, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => !WorkerProcesses.IsRunning(newPid), WorkerProcesses.Deadline, "the new worker's child stopped");
        Assert.True(WorkerProcesses.IsRunning(oldPid));
        Assert.Equal(oldPid, supervisor.Pids["cpu-1"]);
        Assert.DoesNotContain("cpu-2-v2", supervisor.Pids.Keys);
        Assert.Equal(1, reloader.Version);
        Assert.Equal("sys.delay", reloader.Current.Pipelines["work"].Stages[0].Node);
        await WorkerProcesses.UntilAsync(async () => WorkerIds(await StatsAsync(server.Client)).SequenceEqual(["cpu-1"]), "/stats lists only the old worker");
        var stats = await StatsAsync(server.Client);
        Assert.Equal(1, stats.GetProperty("config").GetProperty("version").GetInt64());
        Assert.Equal(1, Cpu(stats).GetProperty("replicas").GetInt32());
        Assert.Equal(1, Cpu(stats).GetProperty("ready").GetInt32());

        // A later good reload still rolls (the refused one left no half-held worker behind).
        File.Delete(_marker);
        _yaml = Text("sys.fail", 1);
        var applied = await Task.Run(reloader.Reload).WaitAsync(WorkerProcesses.Deadline);
        Assert.True(applied.Applied, string.Join("\n", applied.Problems));
        _pids.AddRange(supervisor.Pids.Values);
        var after = await WorkAsync(server.Client);
        Assert.Equal(HttpStatusCode.Conflict, after.Status);
        Assert.Contains("the new node ran", after.Body, StringComparison.Ordinal);
    }
}
