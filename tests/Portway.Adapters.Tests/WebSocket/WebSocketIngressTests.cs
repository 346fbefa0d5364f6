using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portway.Adapters.Tests.Http;
using Portway.Adapters.WebSocket.Internal;
using Portway.Observability;
using Portway.Testing;

namespace Portway.Adapters.Tests.WebSocket;

public sealed class WebSocketIngressTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private PortwayTestServer _server = null!;
    private RecordingEventSink _events = null!;

    public async Task InitializeAsync() => (_server, _events) = await WebSocketTestConfig.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private WebSocketConnections Connections => _server.Services.GetRequiredService<WebSocketConnections>();

    private Task<WsClient> ConnectAsync(string path = "/v1/ws") => WsClient.ConnectAsync(_server.BaseAddress, path);

    private Task AllSettledAsync() => Eventually.TrueAsync(
        () => _server.PendingWaiters == 0 && Connections.Count == 0, Deadline, "no waiter pending and no socket open");

    [Fact]
    public async Task Echo_OneMessage_AnswersReplyWithItsIdAndPayload()
    {
        await using var client = await ConnectAsync();

        await client.SendAsync("""{"id":"a-1","op":"echo","payload":{"hello":"world"}}""");
        var reply = await client.ReceiveJsonAsync();

        Assert.Equal("a-1", reply.GetProperty("id").GetString());
        Assert.Equal("reply", reply.GetProperty("type").GetString());
        Assert.Equal("""{"hello":"world"}""", reply.GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Echo_IntegerIdAndNoPayload_AnswersSameIdAndEmptyObject()
    {
        await using var client = await ConnectAsync();

        await client.SendAsync("""{"id":42,"op":"echo"}""");
        var reply = await client.ReceiveJsonAsync();

        Assert.Equal(JsonValueKind.Number, reply.GetProperty("id").ValueKind);
        Assert.Equal(42, reply.GetProperty("id").GetInt32());
        Assert.Equal("{}", reply.GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task EndpointWithPipeline_MessageWithoutOp_GoesToThatPipeline()
    {
        await using var client = await ConnectAsync("/v1/ws-default");

        await client.SendAsync("""{"id":"x","payload":[1,2]}""");
        var reply = await client.ReceiveJsonAsync();

        Assert.Equal("reply", reply.GetProperty("type").GetString());
        Assert.Equal("[1,2]", reply.GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Message_BecomesEnvelopeWithOwnRequestIdTenantAndTheUpgradesTrace()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        using var cts = new CancellationTokenSource(Deadline);
        await socket.ConnectAsync(new Uri($"ws://{_server.BaseAddress.Authority}/v1/ws"), cts.Token);

        await socket.SendAsync("""{"id":"c1","op":"context","payload":{"tenant":"acme","n":1}}"""u8.ToArray(), WebSocketMessageType.Text, true, cts.Token);
        await socket.SendAsync("""{"id":"c2","op":"context","payload":{"n":2}}"""u8.ToArray(), WebSocketMessageType.Text, true, cts.Token);
        var seen = new List<JsonElement>();
        var buffer = new byte[4096];
        for (var i = 0; i < 2; i++)
        {
            var received = await socket.ReceiveAsync(buffer, cts.Token);
            seen.Add(JsonDocument.Parse(buffer.AsMemory(0, received.Count)).RootElement.Clone());
        }

        var first = seen.Single(m => m.GetProperty("id").GetString() == "c1").GetProperty("payload");
        var second = seen.Single(m => m.GetProperty("id").GetString() == "c2").GetProperty("payload");
        Assert.Equal("acme", first.GetProperty("tenant").GetString());
        Assert.Equal("", second.GetProperty("tenant").GetString());
        Assert.Equal(traceId, first.GetProperty("trace_id").GetString());
        Assert.Equal(traceId, second.GetProperty("trace_id").GetString());
        Assert.NotEqual(first.GetProperty("request_id").GetString(), second.GetProperty("request_id").GetString());
        Assert.Equal("""{"tenant":"acme","n":1}""", first.GetProperty("input").GetRawText());
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
    }

    [Fact]
    public async Task ManyConcurrentMessages_OneSocket_EachAnsweredToItsOwnId()
    {
        const int count = 300;
        await using var client = await ConnectAsync();

        // Later messages wait less, so answers come back in another order than the requests went out.
        for (var i = 0; i < count; i++)
        {
            var ms = (count - i) % 10 * 3;
            await client.SendAsync("{\"id\":\"m" + i + "\",\"op\":\"delay\",\"payload\":{\"ms\":" + ms + ",\"i\":" + i + "}}");
        }

        var answered = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var reply = await client.ReceiveJsonAsync();
            Assert.Equal("reply", reply.GetProperty("type").GetString());
            answered.Add(reply.GetProperty("id").GetString()!, reply.GetProperty("payload").GetProperty("i").GetInt32());
        }

        Assert.Equal(count, answered.Count);
        Assert.All(answered, a => Assert.Equal("m" + a.Value, a.Key));
        await Eventually.TrueAsync(() => _server.PendingWaiters == 0, Deadline, "no waiter pending");
    }

    [Theory]
    [InlineData("{nope", "malformed JSON at line 1")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("""{"op":"echo"}""", "'id' is missing")]
    [InlineData("""{"id":{"a":1},"op":"echo"}""", "'id' must be a string")]
    [InlineData("""{"id":"","op":"echo"}""", "'id' must be a string")]
    public async Task BadFrame_AnsweredWithValidationError_SocketStaysOpen(string frame, string expected)
    {
        await using var client = await ConnectAsync();

        await client.SendAsync(frame);
        var error = await client.ReceiveJsonAsync();
        await client.SendAsync("""{"id":"after","op":"echo","payload":{"ok":true}}""");
        var after = await client.ReceiveJsonAsync();

        Assert.Equal(JsonValueKind.Null, error.GetProperty("id").ValueKind);
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("validation_failed", error.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains(expected, error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{32}$", error.GetProperty("error").GetProperty("request_id").GetString());
        Assert.Equal("after", after.GetProperty("id").GetString());
        Assert.Equal("reply", after.GetProperty("type").GetString());
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }

    [Fact]
    public async Task BadFrameWithId_ErrorCarriesTheId()
    {
        await using var client = await ConnectAsync();

        await client.SendAsync("""{"id":"k","op":"echo","paylod":{}}""");
        var error = await client.ReceiveJsonAsync();

        Assert.Equal("k", error.GetProperty("id").GetString());
        Assert.Contains("unknown key 'paylod'", error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOperation_AnswersNotFoundNamingTheOperations()
    {
        await using var client = await ConnectAsync();

        await client.SendAsync("""{"id":"u","op":"nope"}""");
        var error = await client.ReceiveJsonAsync();

        Assert.Equal("u", error.GetProperty("id").GetString());
        Assert.Equal("not_found", error.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("context, delay, echo, fail, gate", error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BinaryMessage_AnswersUnsupportedMediaType_SocketStaysOpen()
    {
        await using var client = await ConnectAsync();

        await client.SendAsync([1, 2, 3], WebSocketMessageType.Binary);
        var error = await client.ReceiveJsonAsync();
        await client.SendAsync("""{"id":1,"op":"echo"}""");
        var after = await client.ReceiveJsonAsync();

        Assert.Equal("unsupported_media_type", error.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("reply", after.GetProperty("type").GetString());
    }

    [Fact]
    public async Task NodeError_AnswersErrorWithCodeMessageAndRequestId()
    {
        await using var client = await ConnectAsync();

        await client.SendAsync("""{"id":"f","op":"fail","payload":{"code":"conflict","message":"already there"}}""");
        var error = await client.ReceiveJsonAsync();

        var body = error.GetProperty("error");
        Assert.Equal("f", error.GetProperty("id").GetString());
        Assert.Equal("conflict", body.GetProperty("code").GetString());
        Assert.Equal("already there", body.GetProperty("message").GetString());
        var requestId = body.GetProperty("request_id").GetString()!;
        await _events.WaitForAsync(e => e.RequestId == requestId && e.Kind == BoundaryEventKind.EgressFailed && e.Code == "conflict");
        Assert.Equal("websocket", _events.For(requestId)[0].Interface);
        Assert.Equal("/v1/ws fail", _events.For(requestId)[0].Route);
    }

    [Fact]
    public async Task Deadline_Passes_AnswersTimeoutError()
    {
        await using var client = await ConnectAsync("/v1/ws-deadline");

        await client.SendAsync("""{"id":"d","op":"delay","payload":{"ms":60000}}""");
        var error = await client.ReceiveJsonAsync();

        Assert.Equal("timeout", error.GetProperty("error").GetProperty("code").GetString());
        await Eventually.TrueAsync(() => _server.PendingWaiters == 0, Deadline, "no waiter pending");
    }

    [Fact]
    public async Task SameIdWhileInFlight_AnswersConflict_FirstStillAnswered()
    {
        await using var client = await ConnectAsync();

        await client.SendAsync("""{"id":"g","op":"gate","payload":{"n":1}}""");
        await client.SendAsync("""{"id":"g","op":"gate","payload":{"n":2}}""");
        var conflict = await client.ReceiveJsonAsync();
        _server.Services.GetRequiredService<Gate>().Open.SetResult();
        var reply = await client.ReceiveJsonAsync();

        Assert.Equal("conflict", conflict.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("g", reply.GetProperty("id").GetString());
        Assert.Equal("""{"n":1}""", reply.GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Cancel_RequestInFlight_AnswersUnavailableAndFreesTheWaiter()
    {
        await using var client = await ConnectAsync();

        await client.SendAsync("""{"id":"c","op":"gate"}""");
        await Eventually.TrueAsync(() => _server.PendingWaiters == 1, Deadline, "the gated request is pending");
        await client.SendAsync("""{"id":"c","op":"cancel"}""");
        var error = await client.ReceiveJsonAsync();
        await client.SendAsync("""{"id":"next","op":"echo"}""");
        var next = await client.ReceiveJsonAsync();

        Assert.Equal("c", error.GetProperty("id").GetString());
        Assert.Equal("unavailable", error.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("cancelled by the client", error.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("next", next.GetProperty("id").GetString());
        Assert.Equal(0, _server.PendingWaiters);
    }

    [Fact]
    public async Task Cancel_UnknownId_IsIgnored()
    {
        await using var client = await ConnectAsync();

        await client.SendAsync("""{"id":"never","op":"cancel"}""");
        await client.SendAsync("""{"id":"e","op":"echo"}""");
        var next = await client.ReceiveJsonAsync();

        Assert.Equal("e", next.GetProperty("id").GetString());
    }

    [Fact]
    public async Task OversizeMessage_ClosesWith1009_AndLeavesNothingPending()
    {
        await using var client = await ConnectAsync();
        await client.SendAsync("""{"id":"g","op":"gate"}""");
        await Eventually.TrueAsync(() => _server.PendingWaiters == 1, Deadline, "the gated request is pending");

        await client.SendAsync($$"""{"id":"big","op":"echo","payload":"{{new string('x', 2000)}}"}""");
        var received = await client.ReceiveUntilCloseAsync();

        Assert.Equal(0, received);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, client.Socket.CloseStatus);
        Assert.Contains("max_message_bytes (1024)", client.Socket.CloseStatusDescription, StringComparison.Ordinal);
        await AllSettledAsync();
        await _events.WaitForAsync(e => e.Interface == "websocket" && e.Kind == BoundaryEventKind.IngressRejected && e.Code == "payload_too_large");
    }

    [Fact]
    public async Task ClientClose_CompletesHandshake_AndFailsItsWaiters()
    {
        var client = await ConnectAsync();
        await client.SendAsync("""{"id":"g1","op":"gate"}""");
        await client.SendAsync("""{"id":"g2","op":"gate"}""");
        await Eventually.TrueAsync(() => _server.PendingWaiters == 2, Deadline, "two gated requests pending");

        using var cts = new CancellationTokenSource(Deadline);
        await client.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);

        Assert.Equal(WebSocketState.Closed, client.Socket.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.Socket.CloseStatus);
        await AllSettledAsync();
        client.Socket.Dispose();
    }

    [Fact]
    public async Task ClientAbort_MidRequest_LeavesZeroPendingWaiters()
    {
        var client = await ConnectAsync();
        for (var i = 0; i < 5; i++) await client.SendAsync($$"""{"id":{{i}},"op":"gate"}""");
        await Eventually.TrueAsync(() => _server.PendingWaiters == 5, Deadline, "five gated requests pending");

        client.Socket.Abort();
        client.Socket.Dispose();

        await AllSettledAsync();
        await _events.WaitForAsync(e => e.Interface == "websocket" && e.Kind == BoundaryEventKind.EgressFailed && e.Code == "cancelled");
    }

    [Fact]
    public async Task IdleTimeout_NoTraffic_ServerClosesNormally()
    {
        await using var client = await ConnectAsync("/v1/ws-idle");

        var received = await client.ReceiveUntilCloseAsync();

        Assert.Equal(0, received);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.Socket.CloseStatus);
        Assert.Equal("idle timeout", client.Socket.CloseStatusDescription);
        await AllSettledAsync();
    }

    [Fact]
    public async Task IdleTimeout_RequestInFlight_KeepsTheSocketOpen()
    {
        await using var client = await ConnectAsync("/v1/ws-idle");
        await client.SendAsync("""{"id":"g","op":"gate"}""");

        // Several idle periods pass with the request in flight; the gate then opens and the answer arrives.
        await _events.WaitForAsync(e => e.Interface == "websocket" && e.Kind == BoundaryEventKind.RoutingHandoff);
        var gate = _server.Services.GetRequiredService<Gate>();
        await Task.Delay(TimeSpan.FromMilliseconds(1000));
        gate.Open.SetResult();
        var reply = await client.ReceiveJsonAsync();

        Assert.Equal("reply", reply.GetProperty("type").GetString());
    }

    [Fact]
    public async Task NonReadingClient_SendQueueFullForTimeout_ClosesWith1013_NothingPending()
    {
        // The client's socket takes at most a few KB before the server's sends block; it reads nothing until
        // the server reports the overflow, so the send queue (limit 4) fills, the server stops reading the
        // socket's messages, and the answers waiting for room give up after timeout_ms (1 s): 1013.
        using var invoker = SmallReceiveBuffer.Invoker();
        await using var client = await WsClient.ConnectAsync(_server.BaseAddress, "/v1/ws-slow", invoker);
        var payload = new string('x', 64 * 1024);

        var sent = 0;
        var overflow = _events.WaitForAsync(
            e => e.Interface == "websocket" && e.Kind == BoundaryEventKind.EgressFailed && e.Code == "unavailable", TimeSpan.FromSeconds(60));

        // The server stops reading, so the client's sends block too: they run on the side until the overflow.
        var sending = Task.Run(async () =>
        {
            while (!overflow.IsCompleted && sent < 2000)
            {
                await client.SendAsync($$"""{"id":{{sent}},"op":"echo","payload":"{{payload}}"}""");
                sent++;
            }
        });
        await overflow;
        var received = 0;
        while ((await client.ReceiveAsync()).Type != WebSocketMessageType.Close)
        {
            received++;
        }

        try
        {
            await sending.WaitAsync(Deadline);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException)
        {
            // The server closed while a send was under way: that send has nowhere to go.
        }

        Assert.Equal((WebSocketCloseStatus)1013, client.Socket.CloseStatus);
        Assert.Contains("send queue full for 1000 ms", client.Socket.CloseStatusDescription, StringComparison.Ordinal);
        Assert.True(received < sent, $"received {received} of {sent}: some answers were dropped, not buffered");
        await AllSettledAsync();
    }

    [Fact]
    public async Task Ping_ServerSendsPingFrames_AndAbortsAPeerThatNeverPongs()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _server.BaseAddress.Port);
        var stream = tcp.GetStream();
        var handshake = "GET /v1/ws-ping HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(handshake));
        using var cts = new CancellationTokenSource(Deadline);
        var head = await ReadUntilAsync(stream, "\r\n\r\n"u8.ToArray(), cts.Token);
        Assert.StartsWith("HTTP/1.1 101", Encoding.ASCII.GetString(head), StringComparison.Ordinal);

        // First frame from the server: a ping (FIN + opcode 0x9).
        var header = new byte[2];
        await stream.ReadExactlyAsync(header, cts.Token);
        Assert.Equal(0x89, header[0]);

        // Never answering with a pong, the peer is aborted: the server drops the socket.
        await Eventually.TrueAsync(() => Connections.Count == 0, Deadline, "the silent peer was dropped");
    }

    [Fact]
    public async Task PlainGet_OnWebSocketPath_Answers400WithErrorBody()
    {
        using var response = await _server.Client.GetAsync("/v1/ws");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("validation_failed", error.GetProperty("code").GetString());
        Assert.Contains("WebSocket", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static async Task<byte[]> ReadUntilAsync(NetworkStream stream, byte[] terminator, CancellationToken cancellationToken)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (buffer.Count < terminator.Length || !buffer.AsEnumerable().Reverse().Take(terminator.Length).Reverse().SequenceEqual(terminator))
        {
            await stream.ReadExactlyAsync(one, cancellationToken);
            buffer.Add(one[0]);
        }

        return [.. buffer];
    }
}
