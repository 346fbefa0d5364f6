using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portway.Observability;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Observability;

/// <summary>
/// A <c>graphql-transport-ws</c> connection on the real host counts in <c>websocket_connections</c> (the gauge, and
/// <c>live</c> of <c>/stats</c>) while it is open, and stops counting exactly once however it closes: the client
/// closes or drops it, the server closes it (a bad message, no <c>connection_init</c> in time, no subprotocol, shutdown).
/// </summary>
public sealed class GraphQLWebSocketConnectionsTests
{
    private const string Yaml = """
        runtime:
          web:
            drain_timeout_ms: 500
            interfaces:
              - kind: graphql
                path: /graphql
                timeout_ms: 600000
                types: { Tick: { n: Int! }, Echo: { x: Int } }
                query: { echo: { pipeline: echo, args: { x: Int }, returns: Echo } }
                subscription: { ticks: { pipeline: ticks, args: { count: Int!, interval_ms: Int }, returns: Tick } }
              - kind: graphql
                path: /graphql-tight
                timeout_ms: 300
                types: { Echo: { x: Int } }
                query: { echo: { pipeline: echo, args: { x: Int }, returns: Echo } }
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
          ticks: { stages: [ { name: ticks, node: sys.ticks } ] }
        """;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static PortwayGauges Gauges(PortwayTestServer server) => server.Services.GetRequiredService<PortwayGauges>();

    private static async Task<long> StatsAsync(PortwayTestServer server)
    {
        using var doc = JsonDocument.Parse(await server.Client.GetStringAsync("/stats"));
        return doc.RootElement.GetProperty("live").GetProperty(PortwayGauges.WebSocketConnections).GetInt64();
    }

    /// <summary>A connection past its handshake with a subscription running (its first tick received); counted once.</summary>
    private static async Task<GraphQLWsClient> OpenAsync(PortwayTestServer server)
    {
        var client = await GraphQLWsClient.ConnectAndInitAsync(server.BaseAddress);
        await client.SubscribeAsync("s1", "subscription { ticks(count: 2, interval_ms: 600000) { n } }");
        Assert.Equal("next", (await client.ReceiveAsync()).GetProperty("type").GetString());
        await Eventually.TrueAsync(() => Gauges(server).Get(PortwayGauges.WebSocketConnections) == 1, Deadline, "the graphql-transport-ws connection is counted");
        Assert.Equal(1, await StatsAsync(server));
        return client;
    }

    private static Task ClosedAsync(PortwayTestServer server, string how) =>
        Eventually.TrueAsync(() => Gauges(server).Get(PortwayGauges.WebSocketConnections) == 0, Deadline, "websocket_connections back to 0 after " + how);

    [Fact]
    public async Task ClientCloses_CountedWhileOpen_ThenNotAnyMore()
    {
        await using var server = await PortwayTestServer.StartAsync(Yaml);
        var client = await OpenAsync(server);

        await client.DisposeAsync();

        await ClosedAsync(server, "the client's close");
        Assert.Equal(0, await StatsAsync(server));
    }

    [Fact]
    public async Task ClientDropsTheConnection_CountedWhileOpen_ThenNotAnyMore()
    {
        await using var server = await PortwayTestServer.StartAsync(Yaml);
        var client = await OpenAsync(server);

        client.Abort();
        await client.DisposeAsync();

        await ClosedAsync(server, "the client dropped the connection");
        Assert.Equal(0, await StatsAsync(server));
    }

    [Fact]
    public async Task ServerClosesOnABadMessage_CountedWhileOpen_ThenNotAnyMore()
    {
        await using var server = await PortwayTestServer.StartAsync(Yaml);
        await using var client = await OpenAsync(server);

        await client.SendAsync("""{"type":"no_such_type"}""");

        Assert.Equal(4400, await client.ReceiveCloseAsync());
        await ClosedAsync(server, "the server's 4400 close");
        Assert.Equal(0, await StatsAsync(server));
    }

    [Fact]
    public async Task ServerClosesAtShutdown_CountedWhileOpen_ThenNotAnyMore()
    {
        await using var server = await PortwayTestServer.StartAsync(Yaml);
        await using var client = await OpenAsync(server);

        var stopping = server.StopAsync();

        Assert.Equal(1001, await client.ReceiveCloseAsync());
        await stopping.WaitAsync(Deadline);
        await ClosedAsync(server, "the server's 1001 close at shutdown");
    }

    [Fact]
    public async Task TwoConnections_AreCountedEach_AndOneClosingLeavesTheOther()
    {
        await using var server = await PortwayTestServer.StartAsync(Yaml);
        var first = await OpenAsync(server);
        await using var second = await GraphQLWsClient.ConnectAndInitAsync(server.BaseAddress);
        await Eventually.TrueAsync(() => Gauges(server).Get(PortwayGauges.WebSocketConnections) == 2, Deadline, "both connections are counted");

        await first.DisposeAsync();

        await Eventually.TrueAsync(() => Gauges(server).Get(PortwayGauges.WebSocketConnections) == 1, Deadline, "the first connection is no longer counted");
        Assert.Equal("pong", await PingAsync(second));
        Assert.Equal(1, Gauges(server).Get(PortwayGauges.WebSocketConnections));
    }

    [Theory]
    [InlineData("/graphql-tight", "graphql-transport-ws", 4408)]
    [InlineData("/graphql", null, 4406)]
    public async Task ServerClosesRightAway_TheConnectionIsNotLeftCounted(string path, string? subProtocol, int code)
    {
        await using var server = await PortwayTestServer.StartAsync(Yaml);
        await using var client = await GraphQLWsClient.ConnectAsync(server.BaseAddress, path, subProtocol);

        Assert.Equal(code, await client.ReceiveCloseAsync());
        await ClosedAsync(server, $"the server's {code} close");
        Assert.Equal(0, await StatsAsync(server));
    }

    private static async Task<string?> PingAsync(GraphQLWsClient client)
    {
        await client.SendAsync("""{"type":"ping"}""");
        return (await client.ReceiveAsync()).GetProperty("type").GetString();
    }
}
