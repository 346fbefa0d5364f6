using System.Net;
using System.Net.WebSockets;
using Portway.Testing;

namespace Portway.Adapters.Tests.WebSocket;

/// <summary>A WebSocket over HTTP/2 (RFC 8441 extended CONNECT) on the same listener, here over h2c.</summary>
public sealed class WebSocketHttp2Tests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Http2Cleartext_ExtendedConnect_CarriesTheSameMessages()
    {
        var (server, _) = await WebSocketTestConfig.StartAsync();
        await using var _s = server;
        using var handler = new SocketsHttpHandler();
        using var invoker = new HttpMessageInvoker(handler);
        using var socket = new ClientWebSocket();
        socket.Options.HttpVersion = HttpVersion.Version20;
        socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        socket.Options.CollectHttpResponseDetails = true;
        using var cts = new CancellationTokenSource(Deadline);

        await socket.ConnectAsync(new Uri($"ws://{server.BaseAddress.Authority}/v1/ws"), invoker, cts.Token);
        await socket.SendAsync("""{"id":"h2","op":"echo","payload":{"over":"h2"}}"""u8.ToArray(), WebSocketMessageType.Text, true, cts.Token);
        var buffer = new byte[1024];
        var received = await socket.ReceiveAsync(buffer, cts.Token);

        Assert.Equal(HttpStatusCode.OK, socket.HttpStatusCode);
        Assert.Equal("""{"id":"h2","type":"reply","payload":{"over":"h2"}}""", System.Text.Encoding.UTF8.GetString(buffer, 0, received.Count));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
    }
}
