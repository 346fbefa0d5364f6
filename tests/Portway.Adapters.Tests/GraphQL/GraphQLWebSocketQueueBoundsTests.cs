using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Portway.Adapters.GraphQL.Internal;
using Portway.Adapters.Http;
using Portway.Observability;
using Portway.Testing;

namespace Portway.Adapters.Tests.GraphQL;

/// <summary>
/// graphql-transport-ws send queue bounds from YAML (issue 10, items 3 and 9): a client that does not read has its
/// reading paused (the <c>websocket_reads_paused</c> gauge says so) and the messages it sends meanwhile are read only
/// once it reads again, none lost; <c>max_connections</c> refuses one upgrade too many with 503.
/// </summary>
public sealed class GraphQLWebSocketQueueBoundsTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private const string Route = "SUBSCRIBE /graphql-q";

    private const string Yaml = """
        runtime:
          web:
            interfaces:
              - kind: graphql
                path: /graphql-q
                timeout_ms: 60000
                send_queue_limit: 16
                send_queue_bytes: 4096
                max_connections: 2
                types:
                  Echo: { x: Int, s: String }
                  Tick: { n: Int! }
                query:
                  echo: { pipeline: echo, args: { x: Int, s: String }, returns: Echo }
                subscription:
                  ticks: { pipeline: ticks, args: { count: Int!, interval_ms: Int }, returns: Tick }
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
          ticks: { stages: [ { name: ticks, node: sys.ticks } ] }
        """;

    [Fact]
    public async Task NonReadingClient_ReadingPaused_ItsMessagesReadOnceItReads_NoneLost()
    {
        var (server, events) = await GraphQLTestConfig.StartAsync(Yaml);
        await using var _s = server;
        var services = server.Services;
        var gauges = services.GetRequiredService<PortwayGauges>();

        // The host's own session over an in-memory transport (no kernel buffers): once the client stops reading, the
        // server's writes block after 1 KB, then its queue (16 messages / 4 KB) fills, exactly and for good.
        var (serverEnd, clientEnd) = PipeTransport.Pair(1024);
        using var serverSocket = System.Net.WebSockets.WebSocket.CreateFromStream(serverEnd, new WebSocketCreationOptions { IsServer = true, SubProtocol = "graphql-transport-ws" });
        using var client = System.Net.WebSockets.WebSocket.CreateFromStream(clientEnd, new WebSocketCreationOptions { IsServer = false, SubProtocol = "graphql-transport-ws" });
        var session = new GraphQLWebSocketSession(serverSocket, services.GetRequiredService<GraphQLEndpoints>().All.Single(), services.GetRequiredService<global::GraphQL.IDocumentExecuter>(),
            services.GetRequiredService<global::GraphQL.IGraphQLTextSerializer>(), services.GetRequiredService<IBoundaryEventPublisher>(), services.GetRequiredService<IPortwayStatus>(),
            NullLogger.Instance, TimeProvider.System, new RequestCorrelation("req-bp", "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", "00f067aa0ba902b7", ""),
            services.GetRequiredService<PortwayTracer>())
        {
            Gauges = gauges,
        };
        using var ended = new CancellationTokenSource();
        var running = session.RunAsync(ended.Token);

        await SendAsync(client, """{"type":"connection_init"}""");
        Assert.Equal("connection_ack", (await ReceiveAsync(client)).GetProperty("type").GetString());
        await SendAsync(client, """{"id":"flood","type":"subscribe","payload":{"query":"subscription { ticks(count: 1000000, interval_ms: 0) { n } }"}}""");
        // The read waiting when the queue fills still completes (a pending read is not taken back): a ping is read,
        // its pong waits for room, and the server reads nothing more. Pings until that happens (each read one answered later).
        var pings = 0;
        await Eventually.TrueAsync(async () =>
        {
            // Stable once both hold: the server's writes wait (nothing leaves the queue) and its reading is paused.
            if (serverEnd.WritePending && gauges.Get(PortwayGauges.WebSocketReadsPaused) == 1) return true;
            await SendAsync(client, """{"type":"ping"}""");
            pings++;
            return false;
        }, Deadline, "the server paused reading the socket");
        var live = JsonDocument.Parse(await server.Client.GetStringAsync("/stats")).RootElement.GetProperty("live");
        Assert.Equal(1, live.GetProperty(PortwayGauges.WebSocketReadsPaused).GetInt32());

        // Five small operations go out while paused: the server is not reading (no read waits on its end) and takes none.
        for (var i = 0; i < 5; i++)
        {
            await SendAsync(client, $$$"""{"id":"e{{{i}}}","type":"subscribe","payload":{"query":"{ echo(x: {{{i}}}) { x } }"}}""");
        }

        Assert.False(serverEnd.ReadPending, "the server is reading the socket although its send queue is full");
        Assert.Equal(1, gauges.Get(PortwayGauges.WebSocketReadsPaused));
        Assert.Equal(1, events.Events.Count(e => e.Route == Route && e.Kind == BoundaryEventKind.IngressAccepted));

        // The client reads again: the server resumes reading, each of the five is answered, the socket stays open.
        var answered = new HashSet<string>(StringComparer.Ordinal);
        var ticks = 0;
        var pongs = 0;
        while (answered.Count < 5 || pongs < pings)
        {
            var message = await ReceiveAsync(client);
            if (message.GetProperty("type").GetString() == "pong")
            {
                pongs++;
                continue;
            }

            var id = message.GetProperty("id").GetString()!;
            if (id == "flood")
            {
                ticks++;
            }
            else if (message.GetProperty("type").GetString() == "next")
            {
                Assert.Equal(int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture),
                    message.GetProperty("payload").GetProperty("data").GetProperty("echo").GetProperty("x").GetInt32());
                answered.Add(id);
            }
        }

        Assert.True(ticks >= 16, $"only {ticks} ticks were queued before the pause");
        Assert.Equal(pings, pongs);
        Assert.Equal(6, events.Events.Count(e => e.Route == Route && e.Kind == BoundaryEventKind.IngressAccepted));
        await SendAsync(client, """{"id":"flood","type":"complete"}""");
        await events.WaitForAsync(e => e.Route == Route && e.Kind == BoundaryEventKind.EgressFailed && e.Code == "cancelled", Deadline);
        var drain = DrainAsync(client);
        using (var close = new CancellationTokenSource(Deadline))
        {
            await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", close.Token);
        }

        await running.WaitAsync(Deadline);
        await drain.WaitAsync(Deadline);
        Assert.Equal(0, gauges.Get(PortwayGauges.WebSocketReadsPaused));
        await Eventually.TrueAsync(() => server.PendingWaiters == 0, Deadline, "nothing pending");
    }

    private static async Task DrainAsync(System.Net.WebSockets.WebSocket socket)
    {
        var buffer = new byte[8192];
        using var cts = new CancellationTokenSource(Deadline);
        while ((await socket.ReceiveAsync(buffer, cts.Token)).MessageType != WebSocketMessageType.Close)
        {
        }
    }

    [Fact]
    public async Task MaxConnections_OneUpgradeTooMany_Is503_ASlotFreesOnClose()
    {
        var (server, _) = await GraphQLTestConfig.StartAsync(Yaml);
        await using var _s = server;
        var first = await GraphQLWsClient.ConnectAsync(server.BaseAddress, "/graphql-q");
        await using var second = await GraphQLWsClient.ConnectAsync(server.BaseAddress, "/graphql-q");

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => GraphQLWsClient.ConnectAsync(server.BaseAddress, "/graphql-q"));
        Assert.Contains("503", refused.Message + refused.InnerException?.Message, StringComparison.Ordinal);

        // The HTTP side of the interface is not counted: a query over POST is answered meanwhile.
        using var query = await server.Client.PostAsync(new Uri("/graphql-q", UriKind.Relative),
            new StringContent("""{"query":"{ echo(x: 3) { x } }"}""", Encoding.UTF8, "application/json"));
        Assert.Contains("\"x\":3", await query.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await first.DisposeAsync();
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await using var again = await GraphQLWsClient.ConnectAsync(server.BaseAddress, "/graphql-q");
                return true;
            }
            catch (WebSocketException)
            {
                return false;
            }
        }, Deadline, "the closed connection's slot is free again");
    }

    private static async Task SendAsync(System.Net.WebSockets.WebSocket socket, string json)
    {
        using var cts = new CancellationTokenSource(Deadline);
        await socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, cts.Token);
    }

    private static async Task<JsonElement> ReceiveAsync(System.Net.WebSockets.WebSocket socket)
    {
        using var cts = new CancellationTokenSource(Deadline);
        var buffer = new byte[8192];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cts.Token);
            Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(message.ToArray()).RootElement.Clone();
            }
        }
    }
}
