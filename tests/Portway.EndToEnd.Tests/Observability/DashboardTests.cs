using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portway.Configuration;
using Portway.EndToEnd.Tests.Multiprocess;
using Portway.Internal.Supervision;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Observability;

/// <summary>
/// <c>/dashboard</c> in a real headless Chromium against the real host (Kestrel on a free loopback port) with a real
/// worker child: the page loads without a console error and from this host only, draws every pipeline with its stage
/// placement, and follows the live figures (requests, latency, errors by code, a held request's pending waiter, the worker).
/// </summary>
[Collection(WorkerProcesses.Collection)]
public sealed class DashboardTests : IDisposable
{
    private const string Yaml = """
        runtime:
          platform:
            execution_ipc: { transport: tcp_local }
            process_groups:
              - { name: cpu, stages: [shape.score] }
          web:
            drain_timeout_ms: 500
            interfaces:
              - kind: http
                endpoints:
                  - { route: "POST /v1/echo", pipeline: echo }
                  - { route: "POST /v1/fail", pipeline: fail }
                  - { route: "POST /v1/delay", pipeline: delay, timeout_ms: 120000 }
                  - { route: "POST /v1/shape", pipeline: shape }
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
          fail: { stages: [ { name: fail, node: sys.fail } ] }
          delay: { stages: [ { name: delay, node: sys.delay } ] }
          shape:
            stages:
              - { name: parse, node: sys.echo }
              - { name: score, node: sys.echo, after: [parse] }
              - { name: audit, node: sys.echo, after: [parse] }
              - { name: reply, node: sys.echo, after: [score, audit] }
        """;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly List<int> _pids = [];

    public void Dispose()
    {
        foreach (var pid in _pids) WorkerProcesses.Kill(pid);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private const string Pipelines = """
        [...document.querySelectorAll('svg[data-pipeline]')].map(s => s.dataset.pipeline + ':' +
          [...s.querySelectorAll('g.stage')].map(g => g.dataset.stage + '@' + g.dataset.group).sort().join(',') + ':' +
          [...s.querySelectorAll('path.edge')].map(e => e.dataset.from + '>' + e.dataset.to).sort().join(','))
        """;

    private const string Endpoints = """
        Object.fromEntries([...document.querySelectorAll('#endpoints tbody tr')].map(tr => [tr.dataset.route,
          { total: tr.querySelector('.total').textContent, p50: tr.querySelector('.p50').textContent, rate: tr.querySelector('.rate').textContent }]))
        """;

    private const string Errors = "Object.fromEntries([...document.querySelectorAll('#errors tbody tr')].map(tr => [tr.dataset.code, tr.querySelector('.count').textContent]))";

    private const string Pending = "document.getElementById('pending-waiters').textContent";

    private const string Worker = """
        (() => { const tr = document.querySelector('#groups [data-group="cpu"] [data-worker="cpu-1"]');
          return tr ? tr.querySelector('.worker-state').textContent + ':' + tr.querySelector('.pid').textContent + ':' + tr.querySelector('.restarts').textContent : ''; })()
        """;

    [Fact]
    public async Task Dashboard_InHeadlessChromium_DrawsEveryPipelineAndFollowsTheLiveFigures()
    {
        var starting = HeadlessChromium.StartAsync();
        await using var server = await PortwayTestServer.StartAsync(Yaml, s => s.AddSingleton(new WorkerExecutable(Path.Combine(AppContext.BaseDirectory, "Portway.Host"), [])));
        await using var chromium = await starting;
        var client = server.Client;
        await WorkerProcesses.UntilAsync(async () => (await client.GetAsync("/ready")).StatusCode == HttpStatusCode.OK, "the cpu worker is ready");
        var pid = server.Services.GetRequiredService<WorkerSupervisor>().Pids["cpu-1"];
        _pids.Add(pid);

        await chromium.NavigateAsync(new Uri(server.BaseAddress, "/dashboard"));

        // Every pipeline of the config, each stage placed in the process group the config gives it, every edge of the DAG.
        var config = server.Services.GetRequiredService<PortwayConfig>();
        var expected = config.Pipelines.Values.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => p.Name + ":" +
            string.Join(",", p.Stages.Select(s => s.Name + "@" + s.Group).Order(StringComparer.Ordinal)) + ":" +
            string.Join(",", p.Stages.SelectMany(s => s.After.Select(a => a + ">" + s.Name)).Order(StringComparer.Ordinal))).ToArray();
        var drawn = await chromium.UntilAsync(Pipelines, v => v.GetArrayLength() == expected.Length, Deadline, "every pipeline is drawn");
        Assert.Equal(expected, drawn.EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal));
        Assert.Contains("shape:audit@web,parse@web,reply@web,score@cpu:audit>reply,parse>audit,parse>score,score>reply", expected);

        for (var i = 0; i < 3; i++)
        {
            using var ok = await client.PostAsync("/v1/echo", Json("{\"i\":1}"));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using (var conflict = await client.PostAsync("/v1/fail", Json("{\"code\":\"conflict\",\"message\":\"x\"}")))
        {
            Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        }

        using (var shape = await client.PostAsync("/v1/shape", Json("{\"through\":\"the worker\"}")))
        {
            Assert.Equal(HttpStatusCode.OK, shape.StatusCode);
        }

        var endpoints = await chromium.UntilAsync(Endpoints, v => v.TryGetProperty("POST /v1/echo", out var echo) && echo.GetProperty("total").GetString() == "3"
            && v.TryGetProperty("POST /v1/shape", out var s) && s.GetProperty("total").GetString() == "1", Deadline, "the endpoints table shows the requests");
        Assert.True(double.Parse(endpoints.GetProperty("POST /v1/echo").GetProperty("p50").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal("1", (await chromium.UntilAsync(Errors, v => v.TryGetProperty("conflict", out _), Deadline, "the conflict shows under errors by code")).GetProperty("conflict").GetString());
        await chromium.UntilAsync("document.querySelector('#endpoints tr[data-route=\"POST /v1/echo\"] .rate').textContent", v => v.GetString() != "-", Deadline, "a request rate is shown");
        Assert.Equal($"ready:{pid}:0", (await chromium.UntilAsync(Worker, v => v.GetString()!.StartsWith("ready:", StringComparison.Ordinal), Deadline, "the worker shows as ready")).GetString());

        // A held request shows as one pending waiter; the caller leaving ends it and the figure returns to 0.
        await chromium.UntilAsync(Pending, v => v.GetString() == "0", Deadline, "no waiter is pending");
        using (var leave = new CancellationTokenSource())
        {
            var held = client.PostAsync("/v1/delay", Json("{\"ms\":100000}"), leave.Token);
            await chromium.UntilAsync(Pending, v => v.GetString() == "1", Deadline, "the held request shows as one pending waiter");
            await leave.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held);
        }

        await chromium.UntilAsync(Pending, v => v.GetString() == "0", Deadline, "the pending waiters return to 0");
        Assert.Equal("live", (await chromium.EvaluateAsync("document.getElementById('state').textContent")).GetString());
        if (Environment.GetEnvironmentVariable("PORTWAY_DASHBOARD_SCREENSHOT") is { Length: > 0 } screenshot)
        {
            await chromium.ScreenshotAsync(screenshot); // to look at the page (set the variable to a .png path)
        }

        Assert.Empty(chromium.Errors);
        Assert.All(chromium.Requests, url => Assert.StartsWith(server.BaseAddress.GetLeftPart(UriPartial.Authority), url, StringComparison.Ordinal));
        Assert.Contains(chromium.Requests, url => url.EndsWith("/dashboard/events", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dashboard_DataEndpoints_SnapshotAndEventStream()
    {
        await using var server = await PortwayTestServer.StartAsync("""
            runtime:
              web:
                dashboard: { path: /ops/board }
                interfaces:
                  - kind: http
                    endpoints:
                      - { route: "POST /v1/echo", pipeline: echo }
            pipelines:
              echo: { stages: [ { name: echo, node: sys.echo } ] }
            """);
        var client = server.Client;

        using var page = await client.GetAsync("/ops/board");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("src=\"/ops/board/dashboard.js\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html.Replace("http-equiv", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/ops/board/dashboard.js")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await client.PostAsync("/ops/board/snapshot", Json("{}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dashboard")).StatusCode);

        using (var ok = await client.PostAsync("/v1/echo", Json("{\"a\":1}")))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var snapshot = JsonDocument.Parse(await client.GetStringAsync("/ops/board/snapshot"));
        var echo = Assert.Single(snapshot.RootElement.GetProperty("pipelines").EnumerateArray());
        Assert.Equal("echo", echo.GetProperty("name").GetString());
        Assert.Equal("web", Assert.Single(echo.GetProperty("stages").EnumerateArray()).GetProperty("group").GetString());
        Assert.Equal("POST /v1/echo", Assert.Single(snapshot.RootElement.GetProperty("entries").EnumerateArray()).GetProperty("route").GetString());
        Assert.Equal(1, snapshot.RootElement.GetProperty("stats").GetProperty("requests").GetProperty("ok").GetInt64());

        // The live feed: server-sent events, the first at once, the next a second later, each the figures now.
        using var leave = new CancellationTokenSource(Deadline);
        using var events = await client.GetAsync("/ops/board/events", HttpCompletionOption.ResponseHeadersRead, leave.Token);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync(leave.Token));
        var data = new List<JsonElement>();
        while (data.Count < 2 && await reader.ReadLineAsync(leave.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal)) data.Add(JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone());
        }

        Assert.Equal(2, data.Count);
        Assert.All(data, d => Assert.Equal(1, d.GetProperty("requests").GetProperty("ok").GetInt64()));
    }

    [Fact]
    public async Task Dashboard_TurnedOff_EveryRouteIs404()
    {
        await using var server = await PortwayTestServer.StartAsync("""
            runtime:
              web:
                dashboard: { enabled: false }
                interfaces:
                  - kind: http
                    endpoints:
                      - { route: "POST /v1/echo", pipeline: echo }
            pipelines:
              echo: { stages: [ { name: echo, node: sys.echo } ] }
            """);

        foreach (var path in (string[])["/dashboard", "/dashboard/dashboard.js", "/dashboard/snapshot", "/dashboard/events"])
        {
            using var response = await server.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }
}
