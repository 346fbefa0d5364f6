using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using GraphQL;

namespace Portway.Adapters.GraphQL.Internal;

internal sealed partial class GraphQLWebSocketSession
{
    /// <summary>How long the client has to answer the server's close frame before the socket is dropped.</summary>
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Sends what is queued, in order; then the close frame when one was asked for.</summary>
    private async Task SendLoopAsync()
    {
        await foreach (var message in _outbound.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        }

        if (_close is { } close && _socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await _socket.CloseOutputAsync((WebSocketCloseStatus)close.Code, close.Reason, CancellationToken.None).ConfigureAwait(false);
            _closing.CancelAfter(CloseHandshakeTimeout);
        }
    }

    /// <summary>Queues a message; a client too slow to take <see cref="SendQueueLimit"/> of them is closed with 1013.</summary>
    private void Enqueue(byte[] message)
    {
        if (!_outbound.Writer.TryWrite(message) && Volatile.Read(ref _closeRequested) == 0)
        {
            RequestClose(GraphQLWsCloseCodes.TryAgainLater, "send queue full: the client reads too slowly");
        }
    }

    /// <summary>Completes when one more message fits in the send queue (or the connection is closing).</summary>
    private async ValueTask WaitForSendRoomAsync(CancellationToken cancellationToken) =>
        await _outbound.Writer.WaitToWriteAsync(cancellationToken).ConfigureAwait(false);

    /// <summary><c>{"id"?, "type", "payload"?}</c>, the payload given as raw JSON.</summary>
    private static byte[] Message(string type, string? id, string? rawPayload = null)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + (rawPayload?.Length ?? 0));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (id is not null)
            {
                writer.WriteString("id", id);
            }

            writer.WriteString("type", type);
            if (rawPayload is not null)
            {
                writer.WritePropertyName("payload");
                writer.WriteRawValue(rawPayload, skipInputValidation: true);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private byte[] NextMessage(string id, ExecutionResult result) => Message("next", id, _serializer.Serialize(result));

    /// <summary>An <c>error</c> message: its payload is the GraphQL errors array, written like <c>errors[]</c> of a response.</summary>
    private byte[] ErrorMessage(string id, IEnumerable<ExecutionError> errors)
    {
        var holder = new ExecutionResult { Errors = [.. errors] };
        using var document = JsonDocument.Parse(_serializer.Serialize(holder));
        return Message("error", id, document.RootElement.GetProperty("errors").GetRawText());
    }

    /// <summary>A close reason fits in 123 UTF-8 bytes.</summary>
    private static string Reason(string text)
    {
        if (Encoding.UTF8.GetByteCount(text) <= 123)
        {
            return text;
        }

        var cut = text.Length;
        while (Encoding.UTF8.GetByteCount(text.AsSpan(0, cut)) > 120)
        {
            cut--;
        }

        return text[..cut] + "...";
    }
}
