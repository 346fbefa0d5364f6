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

    /// <summary>
    /// Sends what is queued, in order; then the close frame when one was asked for. A send that does not complete
    /// within the interface's <c>timeout_ms</c> (the client does not read) ends the connection as 1013: the socket is
    /// aborted, since no close frame could get through either.
    /// </summary>
    private async Task SendLoopAsync()
    {
        var timeout = TimeSpan.FromMilliseconds(_endpoint.Config.TimeoutMs);
        using var sendTimeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        await foreach (var message in _outbound.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            sendTimeout.CancelAfter(timeout);
            try
            {
                await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, sendTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (sendTimeout.IsCancellationRequested)
            {
                RequestClose(GraphQLWsCloseCodes.TryAgainLater, $"a send did not complete within {_endpoint.Config.TimeoutMs} ms: the client does not read");
                _socket.Abort();
                return;
            }
            finally
            {
                Dequeued(message.Length);
            }

            sendTimeout.CancelAfter(Timeout.InfiniteTimeSpan);
        }

        if (_close is { } close && _socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await _socket.CloseOutputAsync((WebSocketCloseStatus)close.Code, close.Reason, CancellationToken.None).ConfigureAwait(false);
            _closing.CancelAfter(CloseHandshakeTimeout);
        }
    }

    /// <summary><c>{"id"?, "type", "payload"?}</c>, the payload given as raw JSON.</summary>
    private static byte[] Message(string type, string? id, string? rawPayload = null)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + (rawPayload?.Length ?? 0));
        using (var writer = new Utf8JsonWriter(buffer, PortwayJson.WriterOptions))
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
