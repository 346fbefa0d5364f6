using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Portway.Observability;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Observability;

/// <summary><c>GET /metrics</c> of the real host, parsed by an independent Prometheus text-format parser.</summary>
public sealed class MetricsTests
{
    private const string Yaml = """
        runtime:
          web:
            drain_timeout_ms: 500
            interfaces:
              - kind: http
                endpoints:
                  - { route: "POST /v1/echo", pipeline: echo }
                  - { route: "POST /v1/fail", pipeline: fail }
                  - { route: "POST /v1/delay", pipeline: delay, timeout_ms: 60000 }
              - kind: websocket
                endpoints:
                  - { route: "/v1/ws", pipeline: echo }
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
          fail: { stages: [ { name: fail, node: sys.fail } ] }
          delay: { stages: [ { name: delay, node: sys.delay } ] }
        """;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static double Value(IReadOnlyList<PrometheusText.Sample> samples, string name, params (string Key, string Value)[] labels)
    {
        var match = samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value)).ToArray();
        Assert.True(match.Length == 1, $"one sample {name} {string.Join(",", labels)} expected, found {match.Length}: {string.Join("\n", samples.Where(s => s.Name == name).Select(s => string.Join(",", s.Labels) + " " + s.Value))}");
        return match[0].Value;
    }

    [Fact]
    public async Task Metrics_Scrape_ParsesAndCountsRequestsLatencyWaitersAndWebSockets()
    {
        await using var server = await PortwayTestServer.StartAsync(Yaml);
        var client = server.Client;
        for (var i = 0; i < 3; i++)
        {
            using var ok = await client.PostAsync("/v1/echo", Json("{\"i\":1}"));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using (var conflict = await client.PostAsync("/v1/fail", Json("{\"code\":\"conflict\",\"message\":\"x\"}")))
        {
            Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        }

        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{server.BaseAddress.Authority}/v1/ws"), CancellationToken.None);
        var held = client.PostAsync("/v1/delay", Json("{\"ms\":60000}"));
        await Eventually.TrueAsync(() => server.PendingWaiters == 1, TimeSpan.FromSeconds(30), "the delay request is waiting");
        // The client sees the 101 before the server has counted the connection: wait for the count, not the handshake.
        var gauges = server.Services.GetRequiredService<PortwayGauges>();
        await Eventually.TrueAsync(() => gauges.Get(PortwayGauges.WebSocketConnections) == 1, TimeSpan.FromSeconds(30), "the socket is counted");

        using var scrape = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.StartsWith("text/plain", scrape.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        var samples = await PrometheusText.ParseAsync(await scrape.Content.ReadAsStringAsync());

        var echo = new[] { ("interface", "http"), ("endpoint", "POST /v1/echo"), ("outcome", "ok") };
        Assert.Equal(3, Value(samples, "portway_requests_total", echo));
        Assert.Equal(1, Value(samples, "portway_requests_total", ("endpoint", "POST /v1/fail"), ("outcome", "conflict")));
        Assert.Equal(3, Value(samples, "portway_request_duration_seconds_count", echo));
        Assert.Equal(3, Value(samples, "portway_request_duration_seconds_bucket", [.. echo, ("le", "+Inf")]));
        Assert.True(Value(samples, "portway_request_duration_seconds_sum", echo) > 0);
        Assert.Equal("histogram", samples.First(s => s.Name == "portway_request_duration_seconds_count").Type);
        Assert.Equal(1, Value(samples, "portway_waiters_pending"));
        Assert.Equal(1, Value(samples, "portway_live", ("name", "websocket_connections")));

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        await server.StopAsync();
        using var ended = await held;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ended.StatusCode);
    }

    [Fact]
    public async Task Metrics_TwoHostsInOneProcess_EachScrapesOnlyItsOwn()
    {
        await using var first = await PortwayTestServer.StartAsync(Yaml);
        await using var second = await PortwayTestServer.StartAsync(Yaml);
        for (var i = 0; i < 2; i++)
        {
            using var ok = await second.Client.PostAsync("/v1/echo", Json("{\"i\":1}"));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var ownOk = await first.Client.PostAsync("/v1/echo", Json("{\"i\":1}"));
        Assert.Equal(HttpStatusCode.OK, ownOk.StatusCode);

        using var scrape = await first.Client.GetAsync("/metrics");
        var samples = await PrometheusText.ParseAsync(await scrape.Content.ReadAsStringAsync());
        Assert.Equal(1, Value(samples, "portway_requests_total", ("interface", "http"), ("endpoint", "POST /v1/echo"), ("outcome", "ok")));
        Assert.Equal(0, Value(samples, "portway_waiters_pending"));
    }

    [Fact]
    public async Task Metrics_TurnedOff_IsNotServed()
    {
        await using var server = await PortwayTestServer.StartAsync("""
            runtime:
              web:
                metrics: { enabled: false }
                interfaces:
                  - kind: http
                    endpoints:
                      - { route: "POST /v1/echo", pipeline: echo }
            pipelines:
              echo: { stages: [ { name: echo, node: sys.echo } ] }
            """);

        using var scrape = await server.Client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, scrape.StatusCode);
    }
}
