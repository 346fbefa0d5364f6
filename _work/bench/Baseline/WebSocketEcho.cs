using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace Portway.Bench.Baseline;

/// <summary>Answers each <c>{"id","op","payload"}</c> text message with <c>{"id","type":"reply","payload"}</c>, one at a time.</summary>
internal static class WebSocketEcho
{
    public static async Task RunAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        var reply = new ArrayBufferWriter<byte>(1024);
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult received;
                do
                {
                    received = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                    length += received.Count;
                }
                while (!received.EndOfMessage && received.MessageType != WebSocketMessageType.Close && length < buffer.Length);

                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cancellationToken);
                    return;
                }

                reply.ResetWrittenCount();
                using (var message = JsonDocument.Parse(buffer.AsMemory(0, length)))
                using (var writer = new Utf8JsonWriter(reply))
                {
                    writer.WriteStartObject();
                    writer.WritePropertyName("id");
                    message.RootElement.GetProperty("id").WriteTo(writer);
                    writer.WriteString("type", "reply");
                    writer.WritePropertyName("payload");
                    message.RootElement.GetProperty("payload").WriteTo(writer);
                    writer.WriteEndObject();
                }

                await socket.SendAsync(reply.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client went away.
        }
    }
}
