using System.Net.WebSockets;
using System.Threading.Channels;
using Portway.Observability;

namespace Portway.Adapters.WebSocket.Internal;

internal sealed partial class WebSocketConnection
{
    /// <summary>
    /// Queues an outbound message. The queue holds at most <c>send_queue_limit</c> messages: a reader too slow
    /// to keep it below that is closed with 1013 and what was queued is dropped, so nothing is buffered without
    /// bound. False when the message was not queued (closing, or the limit was hit).
    /// </summary>
    private bool Enqueue(byte[] message)
    {
        if (IsClosing)
        {
            return false;
        }

        if (_outbound.Writer.TryWrite(message))
        {
            return true;
        }

        if (IsClosing)
        {
            return false;
        }

        WebSocketLog.SlowReader(_ingress.Logger, _endpoint.Path, _endpoint.SendQueueLimit, _correlation.RequestId);
        Emit(BoundaryEventKind.EgressFailed, _correlation.RequestId, _correlation.TraceId, _endpoint.Route, ErrorCode.Unavailable);
        BeginClose(TryAgainLater, $"send queue full ({_endpoint.SendQueueLimit} messages): the client reads too slowly", discardQueued: true);
        return false;
    }

    /// <summary>
    /// Queues a stream item, waiting for room up to the endpoint's <c>timeout_ms</c> (the stream is paused
    /// meanwhile); a reader that leaves the queue full that long is closed with 1013.
    /// </summary>
    private async ValueTask<bool> EnqueueItemAsync(byte[] message)
    {
        if (IsClosing)
        {
            return false;
        }

        if (_outbound.Writer.TryWrite(message))
        {
            return true;
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(_endpoint.TimeoutMs), _ingress.Time);
        try
        {
            await _outbound.Writer.WriteAsync(message, wait.Token).ConfigureAwait(false);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return Enqueue(message);
        }
    }

    /// <summary>Sends queued messages in order; once closing, sends the close frame (or acknowledges the client's).</summary>
    private async Task SendLoopAsync()
    {
        var reader = _outbound.Reader;
        try
        {
            while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (reader.TryRead(out var message))
                {
                    if (_discardQueued)
                    {
                        continue;
                    }

                    await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, _abort.Token).ConfigureAwait(false);
                }
            }

            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(_closeStatus, _closeReason, _abort.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Broken or aborted: make sure the receive loop ends too.
            BeginClose(WebSocketCloseStatus.NormalClosure, "", discardQueued: true);
            _socket.Abort();
        }
    }
}
