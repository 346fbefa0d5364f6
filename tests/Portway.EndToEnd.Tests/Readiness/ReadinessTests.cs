using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portway.EndToEnd.Tests.Multiprocess;
using Portway.Internal.Supervision;
using Portway.Observability;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Readiness;

/// <summary>
/// <c>/ready</c> against real worker children held at a gate the test opens: 503 naming the group until a
/// worker is ready, 200 then, 503 again while draining; <c>/health</c> stays 200 (liveness) until draining;
/// <c>/stats</c> shows the group's workers (pid, state, restarts, hops in flight) and each endpoint's latency.
/// </summary>
[Collection(WorkerProcesses.Collection)]
public sealed class ReadinessTests : IDisposable
{
    private const string Yaml = """
        runtime:
          platform:
            execution_ipc: { transport: tcp_local }
            process_groups:
              - { name: cpu, stages: [slow.wait, quick.echo] }
          web:
            drain_timeout_ms: 30000
            interfaces:
              - kind: http
                endpoints:
                  - { route: "POST /v1/slow", pipeline: slow, timeout_ms: 60000 }
                  - { route: "POST /v1/quick", pipeline: quick }
        pipelines:
          slow: { stages: [ { name: wait, node: sys.delay } ] }
          quick: { stages: [ { name: echo, node: sys.echo } ] }
        """;

    private readonly string _gate = Path.Combine(Path.GetTempPath(), "portway-ready-gate-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => File.Delete(_gate);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The real worker executable, started only once the gate file exists.</summary>
    private WorkerExecutable GatedWorker() => new("/bin/sh",
        ["-c", $"while [ ! -e '{_gate}' ]; do sleep 0.05; done; exec '{Path.Combine(AppContext.BaseDirectory, "Portway.Host")}' \"$@\"", "sh"]);

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, doc.RootElement.Clone());
    }

    [Fact]
    public async Task Ready_503UntilTheGroupHasAReadyWorker_ThenOk_And503WhileDraining()
    {
        await using var server = await PortwayTestServer.StartAsync(Yaml, s => s.AddSingleton(GatedWorker()));
        var client = server.Client;

        var (status, body) = await GetJsonAsync(client, "/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("not_ready", body.GetProperty("status").GetString());
        Assert.Contains(body.GetProperty("reasons").EnumerateArray(), r => r.GetString() == "no ready worker for process group 'cpu'");
        using (var raw = await client.GetAsync("/ready"))
        {
            // As the README shows it to a user with curl: the quotes are not escaped as \u0027.
            Assert.Contains("\"reasons\":[\"no ready worker for process group 'cpu'\"]", await raw.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await GetJsonAsync(client, "/health")).Status);
        var (_, early) = await GetJsonAsync(client, "/stats");
        var cpu = early.GetProperty("process_groups").EnumerateArray().Single(g => g.GetProperty("name").GetString() == "cpu");
        Assert.Equal(0, cpu.GetProperty("ready").GetInt32());
        Assert.Equal("starting", Assert.Single(cpu.GetProperty("workers").EnumerateArray()).GetProperty("state").GetString());

        await File.WriteAllTextAsync(_gate, "");
        await WorkerProcesses.UntilAsync(async () => (await GetJsonAsync(client, "/ready")).Status == HttpStatusCode.OK, "/ready answers 200");
        using (var quick = await client.PostAsync("/v1/quick", Json("{\"a\":1}")))
        {
            Assert.Equal(HttpStatusCode.OK, quick.StatusCode);
        }

        var slow = client.PostAsync("/v1/slow", Json("{\"ms\":3000}"));
        await WorkerProcesses.UntilAsync(async () => Worker(await GetJsonAsync(client, "/stats")).GetProperty("hops_in_flight").GetInt32() == 1, "one hop in flight on the worker");
        var (_, stats) = await GetJsonAsync(client, "/stats");
        var worker = Worker((HttpStatusCode.OK, stats));
        Assert.Equal("cpu-1", worker.GetProperty("id").GetString());
        Assert.Equal("ready", worker.GetProperty("state").GetString());
        Assert.Equal(0, worker.GetProperty("restarts").GetInt32());
        Assert.Equal(server.Services.GetRequiredService<WorkerSupervisor>().Pids["cpu-1"], worker.GetProperty("pid").GetInt32());
        var quickStats = stats.GetProperty("endpoints").EnumerateArray().Single(e => e.GetProperty("route").GetString() == "POST /v1/quick");
        Assert.Equal("http", quickStats.GetProperty("interface").GetString());
        Assert.Equal(1, quickStats.GetProperty("requests").GetProperty("ok").GetInt64());
        Assert.True(quickStats.GetProperty("latency_ms").GetProperty("p50").GetDouble() > 0);
        Assert.Equal(0, stats.GetProperty("live").GetProperty(PortwayGauges.WebSocketConnections).GetInt64());

        var stopping = server.StopAsync();
        await WorkerProcesses.UntilAsync(async () => (await GetJsonAsync(client, "/ready")).Status == HttpStatusCode.ServiceUnavailable, "/ready answers 503 while draining");
        var (_, draining) = await GetJsonAsync(client, "/ready");
        Assert.Contains(draining.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.StartsWith("draining", StringComparison.Ordinal));
        using (var drained = await slow)
        {
            Assert.Equal(HttpStatusCode.OK, drained.StatusCode);
        }

        await stopping;
    }

    private static JsonElement Worker((HttpStatusCode, JsonElement Body) stats) =>
        stats.Body.GetProperty("process_groups").EnumerateArray().Single(g => g.GetProperty("name").GetString() == "cpu").GetProperty("workers")[0];

    [Fact]
    public async Task Ready_SingleProcessWithoutWorkers_IsReadyAtOnce_AndCanMoveOrBeTurnedOff()
    {
        await using var server = await PortwayTestServer.StartAsync("""
            runtime:
              web:
                ready: { path: /healthz/ready }
                health: { enabled: false }
                interfaces:
                  - kind: http
                    endpoints:
                      - { route: "POST /v1/echo", pipeline: echo }
            pipelines:
              echo: { stages: [ { name: echo, node: sys.echo } ] }
            """);

        var (status, body) = await GetJsonAsync(server.Client, "/healthz/ready");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ready", body.GetProperty("status").GetString());
        using var health = await server.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.NotFound, health.StatusCode);
    }
}
