using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portway.Adapters.Tests.Http;
using Portway.Adapters.WebSocket.Internal;
using Portway.Testing;

namespace Portway.Adapters.Tests.WebSocket;

/// <summary>
/// A reading client's burst is answered in full (backpressure, not 1013); <c>max_in_flight</c> refuses one message
/// and the socket goes on; <c>max_connections</c> refuses an upgrade; the send queue is bounded in bytes; a foreign
/// <c>Origin</c> may not open a socket (unless <c>cors.origins</c> lists it, or <c>*</c>).
/// </summary>
public sealed class WebSocketHardeningTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private const string Yaml = """
        runtime:
          web:
            interfaces:
              - kind: websocket
                endpoints:
                  - route: /v1/ws
                    operations: { echo: echo, gate: gate }
                  - route: /v1/ws-two
                    operations: { gate: gate }
                    max_in_flight: 2
                    max_connections: 2
                  - route: /v1/ws-bytes
                    operations: { echo: echo }
                    max_message_bytes: 1048576
                    send_queue_bytes: 200000
                    timeout_ms: 1000
              - kind: websocket
                cors: { origins: [ "https://app.example" ] }
                endpoints:
                  - route: /v1/ws-listed
                    operations: { echo: echo }
              - kind: websocket
                cors: { origins: [ "*" ] }
                endpoints:
                  - route: /v1/ws-any
                    operations: { echo: echo }
              - kind: graphql
                path: /graphql
                types: { Echo: { x: Int } }
                query: { echo: { pipeline: echo, args: { x: Int }, returns: Echo } }
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
          gate: { stages: [ { name: wait, node: test.gate } ] }
        """;

    private static async Task<WsClient> ConnectAsync(PortwayTestServer server, string path) => await WsClient.ConnectAsync(server.BaseAddress, path);

    [Fact]
    public async Task ReadingClient_BurstOfAThousandEchoes_GetsAThousandReplies()
    {
        var (server, _) = await HttpTestConfig.StartAsync(Yaml);
        await using var _s = server;
        await using var client = await ConnectAsync(server, "/v1/ws");

        var reading = Task.Run(async () =>
        {
            var ids = new HashSet<string>(StringComparer.Ordinal);
            while (ids.Count < 1000)
            {
                var (type, text) = await client.ReceiveAsync();
                Assert.Equal(WebSocketMessageType.Text, type);
                var message = JsonDocument.Parse(text).RootElement;
                Assert.Equal("reply", message.GetProperty("type").GetString());
                ids.Add(message.GetProperty("id").GetString()!);
            }

            return ids.Count;
        });
        var pad = new string('x', 200);
        for (var i = 0; i < 1000; i++)
        {
            await client.SendAsync($$$"""{"id":"b{{{i}}}","op":"echo","payload":{"n":{{{i}}},"pad":"{{{pad}}}"}}""");
        }

        Assert.Equal(1000, await reading.WaitAsync(Deadline));
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }

    [Fact]
    public async Task OverMaxInFlight_ThatMessageIsRateLimited_AndTheSocketGoesOn()
    {
        var (server, _) = await HttpTestConfig.StartAsync(Yaml);
        await using var _s = server;
        await using var client = await ConnectAsync(server, "/v1/ws-two");

        await client.SendAsync("""{"id":"g1","op":"gate"}""");
        await client.SendAsync("""{"id":"g2","op":"gate"}""");
        await client.SendAsync("""{"id":"g3","op":"gate"}""");
        var refused = await client.ReceiveJsonAsync();
        server.Services.GetRequiredService<Gate>().Open.SetResult();
        var answers = new[] { await client.ReceiveJsonAsync(), await client.ReceiveJsonAsync() };
        await client.SendAsync("""{"id":"g4","op":"gate"}""");
        var later = await client.ReceiveJsonAsync();

        Assert.Equal("g3", refused.GetProperty("id").GetString());
        Assert.Equal("rate_limited", refused.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(["g1", "g2"], answers.Select(a => a.GetProperty("id").GetString()).Order(StringComparer.Ordinal));
        Assert.All(answers, a => Assert.Equal("reply", a.GetProperty("type").GetString()));
        Assert.Equal("reply", later.GetProperty("type").GetString());
    }

    [Fact]
    public async Task OverMaxConnections_TheUpgradeIs503_AndAFreedSlotIsUsableAgain()
    {
        var (server, _) = await HttpTestConfig.StartAsync(Yaml);
        await using var _s = server;
        var first = await ConnectAsync(server, "/v1/ws-two");
        await using var second = await ConnectAsync(server, "/v1/ws-two");

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(server, "/v1/ws-two"));
        await first.DisposeAsync();
        var connections = server.Services.GetRequiredService<WebSocketConnections>();
        await Eventually.TrueAsync(() => connections.Count == 1, Deadline, "the first socket is closed on the server too");
        await using var again = await ConnectAsync(server, "/v1/ws-two");

        Assert.Contains("503", refused.Message + refused.InnerException?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonReadingClient_QueueBoundedInBytes_ClosesWith1013()
    {
        var (server, events) = await HttpTestConfig.StartAsync(Yaml);
        await using var _s = server;
        using var invoker = SmallReceiveBuffer.Invoker();
        await using var client = await WsClient.ConnectAsync(server.BaseAddress, "/v1/ws-bytes", invoker);
        var payload = new string('x', 100_000);
        var overflow = events.WaitForAsync(e => e.Interface == "websocket" && e.Kind == Portway.Observability.BoundaryEventKind.EgressFailed && e.Code == "unavailable", Deadline);

        // 100 KB echoes: the byte bound (200,000) fills long before the message bound (256); the server then stops
        // reading this socket, so the client's own sends stall, and it reads nothing.
        var sent = 0;
        var sending = Task.Run(async () =>
        {
            while (!overflow.IsCompleted && sent < 300)
            {
                await client.SendAsync($$"""{"id":{{sent}},"op":"echo","payload":"{{payload}}"}""");
                sent++;
            }
        });
        await overflow;
        var gauges = server.Services.GetRequiredService<Portway.Observability.PortwayGauges>();
        await Eventually.TrueAsync(() => gauges.Get(Portway.Observability.PortwayGauges.WebSocketReadsPaused) == 0, Deadline, "the closing socket is no longer counted as paused");
        // Counted where the server reads (what the client's sends complete depends on the kernel's socket buffers,
        // several MB on loopback, and on the machine's load).
        var readByTheServer = events.Events.Count(e => e.Interface == "websocket" && e.Kind == Portway.Observability.BoundaryEventKind.IngressAccepted);
        while ((await client.ReceiveAsync()).Type != WebSocketMessageType.Close)
        {
        }

        try
        {
            await sending.WaitAsync(Deadline);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException)
        {
        }

        Assert.Equal((WebSocketCloseStatus)1013, client.Socket.CloseStatus);
        // Without backpressure the server read on until 256 answers were queued (the message bound), ~25 MB.
        Assert.True(readByTheServer < 100, $"the server kept reading: {readByTheServer} messages of 100 KB were read ({sent} sent); events: "
            + string.Join(", ", events.Events.GroupBy(e => $"{e.Kind}/{e.Code}").Select(g => $"{g.Key}={g.Count()}")));
        await Eventually.TrueAsync(() => server.PendingWaiters == 0 && server.Services.GetRequiredService<WebSocketConnections>().Count == 0,
            Deadline, "nothing pending, no socket open");
    }

    [Fact]
    public async Task ReplyOverSendQueueBytesByItself_IsPayloadTooLarge_AndTheSocketGoesOn()
    {
        var (server, events) = await HttpTestConfig.StartAsync(Yaml);
        await using var _s = server;
        await using var client = await ConnectAsync(server, "/v1/ws-bytes");

        // 210,000 bytes in (under max_message_bytes, 1 MiB); the echo's reply alone is over send_queue_bytes (200,000):
        // queued, it would overshoot the bound the socket promises.
        await client.SendAsync($$"""{"id":"big","op":"echo","payload":"{{new string('x', 210_000)}}"}""");
        var refused = await client.ReceiveJsonAsync();
        await client.SendAsync("""{"id":"small","op":"echo","payload":{"a":1}}""");
        var later = await client.ReceiveJsonAsync();

        Assert.Equal("big", refused.GetProperty("id").GetString());
        Assert.Equal("error", refused.GetProperty("type").GetString());
        Assert.Equal("payload_too_large", refused.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("send_queue_bytes (200000)", refused.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("small", later.GetProperty("id").GetString());
        Assert.Equal("reply", later.GetProperty("type").GetString());
        Assert.Equal(WebSocketState.Open, client.Socket.State);
        Assert.Contains(events.Events, e => e.Interface == "websocket" && e.Kind == Portway.Observability.BoundaryEventKind.EgressFailed && e.Code == "payload_too_large");
        await Eventually.TrueAsync(() => server.PendingWaiters == 0, Deadline, "nothing pending");
    }

    [Theory]
    [InlineData("/v1/ws", "https://evil.example", HttpStatusCode.Forbidden)]
    [InlineData("/v1/ws", null, HttpStatusCode.SwitchingProtocols)]
    [InlineData("/v1/ws", "SAME", HttpStatusCode.SwitchingProtocols)]
    [InlineData("/v1/ws-listed", "https://app.example", HttpStatusCode.SwitchingProtocols)]
    [InlineData("/v1/ws-listed", "SAME", HttpStatusCode.Forbidden)]
    [InlineData("/v1/ws-any", "https://evil.example", HttpStatusCode.SwitchingProtocols)] // "*" is any origin, as for HTTP CORS
    [InlineData("/v1/ws-any", "SAME", HttpStatusCode.SwitchingProtocols)]
    [InlineData("/v1/ws-any", null, HttpStatusCode.SwitchingProtocols)]
    [InlineData("/graphql", "https://evil.example", HttpStatusCode.Forbidden)]
    [InlineData("/graphql", null, HttpStatusCode.SwitchingProtocols)]
    [InlineData("/graphql", "SAME", HttpStatusCode.SwitchingProtocols)]
    public async Task Upgrade_OriginIsChecked(string path, string? origin, HttpStatusCode expected)
    {
        var (server, _) = await HttpTestConfig.StartAsync(Yaml);
        await using var _s = server;
        await using var raw = await RawHttp.ConnectAsync(server.BaseAddress);
        var originHeader = origin switch
        {
            null => "",
            "SAME" => $"Origin: http://{server.BaseAddress.Authority}\r\n",
            _ => $"Origin: {origin}\r\n",
        };

        await raw.SendAsync($"GET {path} HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + $"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n"
            + $"x-request-id: req-origin\r\n{originHeader}\r\n");
        var answer = await raw.ReadToEndAsync(TimeSpan.FromSeconds(5));

        Assert.StartsWith($"HTTP/1.1 {(int)expected} ", answer, StringComparison.Ordinal);
        if (expected == HttpStatusCode.Forbidden)
        {
            var body = JsonDocument.Parse(answer[(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]).RootElement;
            var error = body.TryGetProperty("errors", out var errors) ? errors[0].GetProperty("extensions") : body.GetProperty("error");
            Assert.Equal("forbidden", error.GetProperty("code").GetString());
            Assert.Equal("req-origin", error.GetProperty("request_id").GetString());
        }

        // A refused origin is a boundary-policy rejection in /stats, like a refused token or rate limit.
        var rejections = JsonDocument.Parse(await server.Client.GetStringAsync("/stats")).RootElement.GetProperty("rejections");
        Assert.Equal(expected == HttpStatusCode.Forbidden ? 1 : 0, rejections.GetProperty("origin").GetInt32());
    }
}
