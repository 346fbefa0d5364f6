using System.Buffers;
using System.Net.WebSockets;
using Portway.Observability;

namespace Portway.Adapters.WebSocket.Internal;

internal sealed partial class WebSocketConnection
{
    private const int InitialBufferSize = 4096;

    /// <summary>Reads whole messages until the client's close frame; a message over the limit closes with 1009.</summary>
    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialBufferSize, _endpoint.MaxMessageBytes + 1));
        try
        {
            while (true)
            {
                // Backpressure: while the send queue is full, the socket's next message is not read.
                if (!HasRoomToRead())
                {
                    await WaitToReadAsync().ConfigureAwait(false);
                }

                var count = 0;
                var tooBig = false;
                ValueWebSocketReceiveResult result;
                while (true)
                {
                    if (count == buffer.Length)
                    {
                        if (buffer.Length > _endpoint.MaxMessageBytes || IsClosing)
                        {
                            // Over the limit (or no longer read): keep reading into the same space, discarding.
                            tooBig = !IsClosing;
                            count = 0;
                        }
                        else
                        {
                            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _endpoint.MaxMessageBytes + 1));
                            buffer.AsSpan(0, count).CopyTo(bigger);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = bigger;
                        }
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(count), _abort.Token).ConfigureAwait(false);
                    count += result.Count;
                    if (result.EndOfMessage || result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    if (tooBig)
                    {
                        // Close as soon as the limit is passed; the rest of the message is read and dropped.
                        RejectTooBig();
                    }
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    BeginClose(WebSocketCloseStatus.NormalClosure, "", discardQueued: true);
                    return;
                }

                if (tooBig || count > _endpoint.MaxMessageBytes)
                {
                    RejectTooBig();
                    continue;
                }

                if (!IsClosing)
                {
                    OnMessage(result.MessageType, buffer.AsSpan(0, count));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void RejectTooBig()
    {
        if (IsClosing) return;
        Emit(BoundaryEventKind.IngressRejected, _correlation.RequestId, _correlation.TraceId, _endpoint.Route, ErrorCode.PayloadTooLarge);
        BeginClose(WebSocketCloseStatus.MessageTooBig, $"message over max_message_bytes ({_endpoint.MaxMessageBytes})", discardQueued: true);
    }

    private void OnMessage(WebSocketMessageType type, ReadOnlySpan<byte> bytes)
    {
        _idleTimer.Change(_idleTimeout, Timeout.InfiniteTimeSpan);
        if (type != WebSocketMessageType.Text)
        {
            Reject(null, _endpoint.Route, new PortwayError(ErrorCode.UnsupportedMediaType, "binary messages are not supported; send JSON text messages"));
            return;
        }

        var message = ClientMessage.Parse(bytes);
        if (message.Problem is { } problem)
        {
            Reject(message.Id, _endpoint.Route, new PortwayError(ErrorCode.ValidationFailed, problem));
            return;
        }

        var id = message.Id!;
        if (message.Op == CancelOp)
        {
            // Unknown ids are ignored: the request may have just ended.
            if (_inFlight.TryGetValue(id, out var running)) running.Cancel();
            return;
        }

        Start(id, message.Op, message.Payload);
    }
}
