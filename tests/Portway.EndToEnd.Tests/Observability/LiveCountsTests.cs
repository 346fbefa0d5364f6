using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Portway.Observability;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Observability;

/// <summary>
/// The live counts of <c>/stats</c> (<c>live</c>) and <c>/metrics</c> (<c>portway_live{name}</c>) on the real host: open
/// WebSocket connections (plain and graphql-transport-ws) and running GraphQL operations (a held subscription, a held
/// query over HTTP) are counted while they last and return to 0; a fresh host scrapes both at 0 (a series that only
/// appears once used reads "no data").
/// </summary>
public sealed class LiveCountsTests
{
    private const string Yaml = """
        runtime:
          web:
            drain_timeout_ms: 500
            interfaces:
              - kind: websocket
                endpoints:
                  - { route: "/v1/ws", pipeline: echo }
              - kind: graphql
                path: /graphql
                timeout_ms: 600000
                types: { Tick: { n: Int! }, Wait: { ms: Int } }
                query: { wait: { pipeline: delay, args: { ms: Int! }, returns: Wait } }
                subscription: { ticks: { pipeline: ticks, args: { count: Int!, interval_ms: Int }, returns: Tick } }
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
          delay: { stages: [ { name: wait, node: sys.delay } ] }
          ticks: { stages: [ { name: ticks, node: sys.ticks } ] }
        """;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static async Task<(long WebSockets, long GraphQL)> StatsAsync(PortwayTestServer server)
    {
        using var doc = JsonDocument.Parse(await server.Client.GetStringAsync("/stats"));
        var live = doc.RootElement.GetProperty("live");
        return (live.GetProperty(PortwayGauges.WebSocketConnections).GetInt64(), live.GetProperty(PortwayGauges.GraphQLOperations).GetInt64());
    }

    private static async Task<(double WebSockets, double GraphQL)> ScrapeAsync(PortwayTestServer server)
    {
        var samples = await PrometheusText.ParseAsync(await server.Client.GetStringAsync("/metrics"));
        double Live(string name)
        {
            var match = samples.Where(s => s.Name == "portway_live" && s.Labels.GetValueOrDefault("name") == name).ToArray();
            Assert.True(match.Length == 1, $"one portway_live{{name=\"{name}\"}} sample expected, found {match.Length}");
            return match[0].Value;
        }

        return (Live(PortwayGauges.WebSocketConnections), Live(PortwayGauges.GraphQLOperations));
    }

    [Fact]
    public async Task Live_WebSocketConnectionsAndGraphQLOperations_AreCountedWhileOpen_InStatsAndMetrics()
    {
        await using var server = await PortwayTestServer.StartAsync(Yaml);
        Assert.Equal((0, 0), await StatsAsync(server));
        Assert.Equal((0, 0), await ScrapeAsync(server));

        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{server.BaseAddress.Authority}/v1/ws"), CancellationToken.None);
        await using var graphql = await GraphQLWsClient.ConnectAndInitAsync(server.BaseAddress);
        await graphql.SubscribeAsync("s1", "subscription { ticks(count: 2, interval_ms: 600000) { n } }");
        Assert.Equal("next", (await graphql.ReceiveAsync()).GetProperty("type").GetString()); // the first tick: the subscription runs
        using var leave = new CancellationTokenSource();
        var held = server.Client.PostAsync("/graphql", new StringContent("{\"query\":\"{ wait(ms: 600000) { ms } }\"}", Encoding.UTF8, "application/json"), leave.Token);

        await Eventually.TrueAsync(async () => await StatsAsync(server) == (2, 2), Deadline, "/stats live: 2 WebSocket connections (plain and graphql-transport-ws), 2 GraphQL operations");
        Assert.Equal((2, 2), await ScrapeAsync(server));

        await graphql.SendAsync("""{"id":"s1","type":"complete"}""");
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        await graphql.DisposeAsync();
        await Eventually.TrueAsync(async () => await StatsAsync(server) == (0, 0), Deadline, "/stats live returns to 0 once the sockets close and the operations end");
        Assert.Equal((0, 0), await ScrapeAsync(server));
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/ready")).StatusCode);
    }
}
