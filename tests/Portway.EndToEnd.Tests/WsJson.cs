using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Portway.EndToEnd.Tests;

/// <summary>One JSON text message at a time over a <see cref="ClientWebSocket"/>, each within its own deadline.</summary>
internal static class WsJson
{
    public static async Task SendAsync(ClientWebSocket socket, string text, TimeSpan deadline)
    {
        using var cts = new CancellationTokenSource(deadline);
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cts.Token);
    }

    /// <summary>Reads one whole text message (any number of frames) and parses it.</summary>
    public static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket, TimeSpan deadline)
    {
        using var cts = new CancellationTokenSource(deadline);
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, cts.Token);
            Assert.Equal(WebSocketMessageType.Text, result.MessageType);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return JsonDocument.Parse(message.ToArray()).RootElement.Clone();
    }
}
