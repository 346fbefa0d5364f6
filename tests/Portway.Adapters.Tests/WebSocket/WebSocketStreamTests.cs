using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portway.Adapters.Tests.Http;
using Portway.Adapters.WebSocket.Internal;
using Portway.Observability;
using Portway.Testing;

namespace Portway.Adapters.Tests.WebSocket;

/// <summary>Stream pipelines over a socket: items, then an end or an error, each to its own id.</summary>
public sealed class WebSocketStreamTests : IAsyncLifetime
{
    private const string Yaml = """
        runtime:
          web:
            interfaces:
              - kind: websocket
                endpoints:
                  - route: /v1/ws
                    operations: { echo: echo, ticks: ticks, stream_fail: stream_fail }
                    timeout_ms: 10000
                  - route: /v1/ws-slow
                    operations: { big: big }
                    send_queue_limit: 4
                    timeout_ms: 5000
                  - route: /v1/ws-bytes
                    operations: { big: big, echo: echo }
                    send_queue_bytes: 20000
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
          ticks: { stages: [ { name: ticks, node: sys.ticks } ] }
          stream_fail: { stages: [ { name: produce, node: test.stream_fail } ] }
          big: { stages: [ { name: produce, node: test.stream_big } ] }
        """;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private PortwayTestServer _server = null!;
    private readonly RecordingEventSink _events = new();

    public async Task InitializeAsync() => _server = await PortwayTestServer.StartAsync(TestConfig.Load(Yaml, "test.stream_fail", "test.stream_big"), services =>
    {
        services.AddSingleton<IBoundaryEventSink>(_events);
        services.AddSingleton(new Portway.Nodes.NodeRegistration("test.stream_fail", typeof(FailingStreamNode)));
        services.AddSingleton(new Portway.Nodes.NodeRegistration("test.stream_big", typeof(BigStreamNode)));
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private WebSocketConnections Connections => _server.Services.GetRequiredService<WebSocketConnections>();

    [Fact]
    public async Task StreamOp_AnswersItemsInOrderThenEnd()
    {
        await using var client = await WsClient.ConnectAsync(_server.BaseAddress, "/v1/ws");

        await client.SendAsync("""{"id":"t","op":"ticks","payload":{"count":3}}""");
        var messages = new[] { await client.ReceiveJsonAsync(), await client.ReceiveJsonAsync(), await client.ReceiveJsonAsync(), await client.ReceiveJsonAsync() };

        Assert.All(messages, m => Assert.Equal("t", m.GetProperty("id").GetString()));
        Assert.Equal(["item", "item", "item", "end"], messages.Select(m => m.GetProperty("type").GetString()));
        Assert.Equal([1, 2, 3], messages.Take(3).Select(m => m.GetProperty("payload").GetProperty("n").GetInt32()));
        Assert.False(messages[3].TryGetProperty("payload", out _));
        await Eventually.TrueAsync(() => _server.PendingWaiters == 0, Deadline, "the stream's waiter is gone");
    }

    [Fact]
    public async Task StreamsAndRequests_InterleavedOnOneSocket_EachToItsOwnId()
    {
        await using var client = await WsClient.ConnectAsync(_server.BaseAddress, "/v1/ws");

        await client.SendAsync("""{"id":"a","op":"ticks","payload":{"count":5,"interval_ms":5}}""");
        await client.SendAsync("""{"id":"b","op":"ticks","payload":{"count":5,"interval_ms":5}}""");
        await client.SendAsync("""{"id":"e","op":"echo","payload":{"x":1}}""");
        var byId = new Dictionary<string, List<JsonElement>>(StringComparer.Ordinal);
        while (byId.GetValueOrDefault("a")?.LastOrDefault().GetProperty("type").GetString() != "end"
            || byId.GetValueOrDefault("b")?.LastOrDefault().GetProperty("type").GetString() != "end"
            || !byId.ContainsKey("e"))
        {
            var message = await client.ReceiveJsonAsync();
            var id = message.GetProperty("id").GetString()!;
            if (!byId.TryGetValue(id, out var list)) byId[id] = list = [];
            list.Add(message);
        }

        foreach (var id in new[] { "a", "b" })
        {
            Assert.Equal([1, 2, 3, 4, 5], byId[id].SkipLast(1).Select(m => m.GetProperty("payload").GetProperty("n").GetInt32()));
        }

        Assert.Equal("reply", Assert.Single(byId["e"]).GetProperty("type").GetString());
    }

    [Fact]
    public async Task StreamOp_ErrorAfterItems_EndsWithErrorMessage()
    {
        await using var client = await WsClient.ConnectAsync(_server.BaseAddress, "/v1/ws");

        await client.SendAsync("""{"id":"s","op":"stream_fail"}""");
        var first = await client.ReceiveJsonAsync();
        var second = await client.ReceiveJsonAsync();
        var error = await client.ReceiveJsonAsync();

        Assert.Equal(("item", "item"), (first.GetProperty("type").GetString(), second.GetProperty("type").GetString()));
        Assert.Equal("""{"i":1}""", first.GetProperty("payload").GetRawText());
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("conflict", error.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task StreamOp_BadInput_AnswersErrorWithoutItems()
    {
        await using var client = await WsClient.ConnectAsync(_server.BaseAddress, "/v1/ws");

        await client.SendAsync("""{"id":"t","op":"ticks","payload":{"count":-1}}""");
        var error = await client.ReceiveJsonAsync();

        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("validation_failed", error.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Cancel_MidStream_EndsWithUnavailableAndFreesTheWaiter()
    {
        await using var client = await WsClient.ConnectAsync(_server.BaseAddress, "/v1/ws");
        await client.SendAsync("""{"id":"t","op":"ticks","payload":{"count":1000000,"interval_ms":10}}""");
        Assert.Equal("item", (await client.ReceiveJsonAsync()).GetProperty("type").GetString());

        await client.SendAsync("""{"id":"t","op":"cancel"}""");
        JsonElement last;
        do
        {
            last = await client.ReceiveJsonAsync();
        }
        while (last.GetProperty("type").GetString() == "item");

        Assert.Equal("error", last.GetProperty("type").GetString());
        Assert.Equal("cancelled by the client", last.GetProperty("error").GetProperty("message").GetString());
        await Eventually.TrueAsync(() => _server.PendingWaiters == 0, Deadline, "the stream's waiter is gone");
    }

    [Fact]
    public async Task ClientDisconnects_MidStream_LeavesZeroPendingWaiters()
    {
        var client = await WsClient.ConnectAsync(_server.BaseAddress, "/v1/ws");
        await client.SendAsync("""{"id":1,"op":"ticks","payload":{"count":1000000,"interval_ms":10}}""");
        await client.SendAsync("""{"id":2,"op":"ticks","payload":{"count":1000000,"interval_ms":10}}""");
        Assert.Equal("item", (await client.ReceiveJsonAsync()).GetProperty("type").GetString());
        // The first item can come before the second message is read: wait until both streams are open.
        await Eventually.TrueAsync(() => _server.PendingWaiters == 2, Deadline, "both streams open");

        client.Socket.Abort();
        client.Socket.Dispose();

        await Eventually.TrueAsync(() => _server.PendingWaiters == 0 && Connections.Count == 0, Deadline, "no waiter pending and no socket open");
    }

    [Fact]
    public async Task SlowReader_OnAStream_ClosesWith1013()
    {
        // A client that reads nothing: 64 KB items fill the socket's buffers, then the send queue (4), then an
        // item waits timeout_ms for room. (timeout_ms is generous: it is also the per-item deadline, and a
        // producer stalled that long on a loaded machine would end the stream with a timeout instead.)
        await using var client = await WsClient.ConnectAsync(_server.BaseAddress, "/v1/ws-slow");
        await client.SendAsync("""{"id":"t","op":"big","payload":{"count":1000000,"size":65536}}""");

        await _events.WaitForAsync(e => e.Interface == "websocket" && e.Kind == BoundaryEventKind.EgressFailed && e.Code == "unavailable", TimeSpan.FromSeconds(60));
        var received = await client.ReceiveUntilCloseAsync();

        Assert.Equal((WebSocketCloseStatus)1013, client.Socket.CloseStatus);
        Assert.InRange(received, 1, 999_999);
        await Eventually.TrueAsync(() => _server.PendingWaiters == 0 && Connections.Count == 0, Deadline, "no waiter pending and no socket open");
    }

    [Fact]
    public async Task StreamItemOverSendQueueBytesByItself_EndsItsStreamWithPayloadTooLarge_TheSocketGoesOn()
    {
        await using var client = await WsClient.ConnectAsync(_server.BaseAddress, "/v1/ws-bytes");

        // Items of ~1 KB fit; the stream asking for 30 KB items (over send_queue_bytes, 20,000, by itself) ends with the
        // error before its first item; the socket and its other calls go on.
        await client.SendAsync("""{"id":"small","op":"big","payload":{"count":2,"size":1000}}""");
        var small = new[] { await client.ReceiveJsonAsync(), await client.ReceiveJsonAsync(), await client.ReceiveJsonAsync() };
        await client.SendAsync("""{"id":"huge","op":"big","payload":{"count":5,"size":30000}}""");
        var refused = await client.ReceiveJsonAsync();
        await client.SendAsync("""{"id":"after","op":"echo","payload":{"a":1}}""");
        var after = await client.ReceiveJsonAsync();

        Assert.Equal(["item", "item", "end"], small.Select(m => m.GetProperty("type").GetString()));
        Assert.Equal("huge", refused.GetProperty("id").GetString());
        Assert.Equal("error", refused.GetProperty("type").GetString());
        Assert.Equal("payload_too_large", refused.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("stream item", refused.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("send_queue_bytes (20000)", refused.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("after", after.GetProperty("id").GetString());
        Assert.Equal("reply", after.GetProperty("type").GetString());
        Assert.Equal(WebSocketState.Open, client.Socket.State);
        Assert.Contains(_events.Events, e => e.Interface == "websocket" && e.Kind == BoundaryEventKind.EgressFailed && e.Code == "payload_too_large");
        await Eventually.TrueAsync(() => _server.PendingWaiters == 0, Deadline, "the refused stream's waiter is gone");
    }
}
