using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Portway.Testing;

/// <summary>A real <see cref="ClientWebSocket"/> speaking graphql-transport-ws to a test server; every receive has a deadline.</summary>
public sealed class GraphQLWsClient : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly ClientWebSocket _socket;

    private GraphQLWsClient(ClientWebSocket socket) => _socket = socket;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? SubProtocol => _socket.SubProtocol;

    public static async Task<GraphQLWsClient> ConnectAsync(
        Uri baseAddress, string path = "/graphql", string? subProtocol = "graphql-transport-ws", IReadOnlyDictionary<string, string>? headers = null)
    {
        var socket = new ClientWebSocket();
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            socket.Options.SetRequestHeader(name, value);
        }

        if (subProtocol is not null)
        {
            socket.Options.AddSubProtocol(subProtocol);
        }

        var uri = new UriBuilder(baseAddress) { Scheme = "ws", Path = path }.Uri;
        using var cts = new CancellationTokenSource(Deadline);
        await socket.ConnectAsync(uri, cts.Token);
        return new GraphQLWsClient(socket);
    }

    /// <summary>Connects and completes the connection_init / connection_ack handshake (with <paramref name="bearer"/> in its payload when given).</summary>
    public static async Task<GraphQLWsClient> ConnectAndInitAsync(Uri baseAddress, IReadOnlyDictionary<string, string>? headers = null, string? bearer = null)
    {
        var client = await ConnectAsync(baseAddress, headers: headers);
        await client.SendAsync(bearer is null ? """{"type":"connection_init"}""" : JsonSerializer.Serialize(new { type = "connection_init", payload = new { authorization = "Bearer " + bearer } }));
        var ack = await client.ReceiveAsync();
        Assert.Equal("connection_ack", ack.GetProperty("type").GetString());
        return client;
    }

    public async Task SendAsync(string json)
    {
        using var cts = new CancellationTokenSource(Deadline);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, cts.Token);
    }

    public Task SubscribeAsync(string id, string query, object? variables = null) =>
        SendAsync(JsonSerializer.Serialize(new { id, type = "subscribe", payload = new { query, variables } }));

    /// <summary>The next message; fails the test if the server closes instead.</summary>
    public async Task<JsonElement> ReceiveAsync()
    {
        var (message, closed) = await ReceiveOrCloseAsync();
        Assert.False(closed, $"the server closed the socket: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
        return message;
    }

    /// <summary>Reads messages until the server closes; returns the close code.</summary>
    public async Task<int> ReceiveCloseAsync()
    {
        while (true)
        {
            var (_, closed) = await ReceiveOrCloseAsync();
            if (closed)
            {
                return (int)_socket.CloseStatus!.Value;
            }
        }
    }

    private async Task<(JsonElement Message, bool Closed)> ReceiveOrCloseAsync()
    {
        using var cts = new CancellationTokenSource(Deadline);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (_socket.State == WebSocketState.CloseReceived)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
                }

                return (default, true);
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (JsonDocument.Parse(message.ToArray()).RootElement.Clone(), false);
            }
        }
    }

    /// <summary>Drops the TCP connection without a close handshake.</summary>
    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var cts = new CancellationTokenSource(Deadline);
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }

        _socket.Dispose();
    }
}
