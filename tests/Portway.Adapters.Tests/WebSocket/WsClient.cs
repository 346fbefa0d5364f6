using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Portway.Adapters.Tests.WebSocket;

/// <summary>A real <see cref="ClientWebSocket"/> with JSON helpers and deadlines on every receive.</summary>
internal sealed class WsClient : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private WsClient(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    /// <summary>A socket the test connected itself (with its own headers or query).</summary>
    public static WsClient Wrap(ClientWebSocket socket) => new(socket);

    public static async Task<WsClient> ConnectAsync(Uri baseAddress, string path, HttpMessageInvoker? invoker = null)
    {
        var socket = new ClientWebSocket();
        var uri = new Uri(new Uri(baseAddress.ToString().Replace("http", "ws", StringComparison.Ordinal)), path);
        using var cts = new CancellationTokenSource(Deadline);
        await socket.ConnectAsync(uri, invoker, cts.Token);
        return new WsClient(socket);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        using var cts = new CancellationTokenSource(Deadline);
        await Socket.SendAsync(bytes, type, endOfMessage: true, cts.Token);
    }

    /// <summary>The next message as JSON; throws if the server closed instead.</summary>
    public async Task<JsonElement> ReceiveJsonAsync()
    {
        var (type, text) = await ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Text, type);
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>The next message (or the close frame: type Close, empty text).</summary>
    public async Task<(WebSocketMessageType Type, string Text)> ReceiveAsync()
    {
        using var cts = new CancellationTokenSource(Deadline);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await Socket.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, "");
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (result.MessageType, Encoding.UTF8.GetString(message.ToArray()));
            }
        }
    }

    /// <summary>
    /// Reads (and drops) messages until the server's close frame, answers it (the close handshake, as a
    /// well-behaved client does), and returns how many messages came before it.
    /// </summary>
    public async Task<int> ReceiveUntilCloseAsync()
    {
        var count = 0;
        while ((await ReceiveAsync()).Type != WebSocketMessageType.Close)
        {
            count++;
        }

        using var cts = new CancellationTokenSource(Deadline);
        await Socket.CloseOutputAsync(Socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, "", cts.Token);
        return count;
    }

    public async ValueTask DisposeAsync()
    {
        if (Socket.State == WebSocketState.Open)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }

        Socket.Dispose();
    }
}
