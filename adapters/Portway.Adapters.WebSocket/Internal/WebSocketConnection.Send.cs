using System.Net.WebSockets;
using Portway.Observability;

namespace Portway.Adapters.WebSocket.Internal;

internal sealed partial class WebSocketConnection
{
    /// <summary>
    /// True when a message of <paramref name="size"/> bytes fits: fewer than <c>send_queue_limit</c> messages and at
    /// most <c>send_queue_bytes</c> with it. A reply or stream item larger than the bound by itself is answered
    /// <c>payload_too_large</c> instead (see <c>OverQueueBound</c>); an error frame (small, bounded) still goes into an
    /// empty queue. A message counts from queued until its send completes.
    /// </summary>
    private bool HasRoomFor(int size)
    {
        var bytes = Interlocked.Read(ref _queuedBytes);
        return Volatile.Read(ref _queuedCount) < _endpoint.SendQueueLimit && (bytes == 0 || bytes + size <= _endpoint.SendQueueBytes);
    }

    /// <summary>
    /// Room to read one more inbound message: the queue plus the replies the socket's request/response calls in
    /// flight will need (reserved at their inbound size) stay under both bounds. Streams reserve nothing (they are
    /// long-lived; their items wait for room instead).
    /// </summary>
    private bool HasRoomToRead()
    {
        var bytes = Interlocked.Read(ref _queuedBytes) + Interlocked.Read(ref _reservedBytes);
        return Volatile.Read(ref _queuedCount) + Volatile.Read(ref _reservedCount) < _endpoint.SendQueueLimit
            && (bytes == 0 || bytes < _endpoint.SendQueueBytes);
    }

    private void Reserve(int size)
    {
        Interlocked.Increment(ref _reservedCount);
        Interlocked.Add(ref _reservedBytes, size);
    }

    private void Unreserve(int size)
    {
        Interlocked.Decrement(ref _reservedCount);
        Interlocked.Add(ref _reservedBytes, -size);
        _room.Signal();
    }

    /// <summary>
    /// The receive loop's wait before reading a message. While only calls in flight hold the room it waits as long
    /// as they take; while queued messages hold it for <c>timeout_ms</c> without one being sent, the client does not
    /// read: 1013.
    /// </summary>
    private async ValueTask WaitToReadAsync()
    {
        _ingress.Connections.ReadsPaused(1);
        try
        {
            await WaitForRoomToReadAsync().ConfigureAwait(false);
        }
        finally
        {
            _ingress.Connections.ReadsPaused(-1);
        }
    }

    private async ValueTask WaitForRoomToReadAsync()
    {
        while (!IsClosing && !HasRoomToRead())
        {
            var sentBefore = Volatile.Read(ref _sentCount);
            var task = _room.Next(static c => c.IsClosing || c.HasRoomToRead(), this);
            if (task.IsCompleted)
            {
                return;
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(_endpoint.TimeoutMs), _ingress.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(wait.Token, _abort.Token);
            try
            {
                await task.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (wait.IsCancellationRequested && !_abort.IsCancellationRequested)
            {
                if (Volatile.Read(ref _queuedCount) > 0 && Volatile.Read(ref _sentCount) == sentBefore)
                {
                    CloseSlowReader();
                    return;
                }
            }
        }
    }

    private void CloseSlowReader()
    {
        if (IsClosing)
        {
            return;
        }

        WebSocketLog.SlowReader(_ingress.Logger, _endpoint.Path, _endpoint.TimeoutMs, _correlation.RequestId);
        Emit(BoundaryEventKind.EgressFailed, _correlation.RequestId, _correlation.TraceId, _endpoint.Route, ErrorCode.Unavailable);
        BeginClose(TryAgainLater, $"send queue full for {_endpoint.TimeoutMs} ms: the client does not read", discardQueued: true);
    }

    private bool TryEnqueueNow(byte[] message)
    {
        if (!HasRoomFor(message.Length))
        {
            return false;
        }

        Interlocked.Increment(ref _queuedCount);
        Interlocked.Add(ref _queuedBytes, message.Length);
        if (!_outbound.Writer.TryWrite(message))
        {
            // Closing: the queue takes nothing more.
            Sent(message.Length);
        }

        return true;
    }

    /// <summary>A queued message left the queue (sent or discarded): wakes whoever waits for room.</summary>
    private void Sent(int size)
    {
        Interlocked.Decrement(ref _queuedCount);
        Interlocked.Add(ref _queuedBytes, -size);
        Interlocked.Increment(ref _sentCount);
        _room.Signal();
    }

    /// <summary>Returns once a message of <paramref name="size"/> bytes fits, or the socket is closing.</summary>
    private async ValueTask WaitForRoomAsync(int size, CancellationToken cancellationToken)
    {
        while (true)
        {
            var task = _room.Next(static r => r.Connection.IsClosing || r.Connection.HasRoomFor(r.Size), (Connection: this, Size: size));
            if (task.IsCompleted)
            {
                return;
            }

            await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Queues a last message (a reply, an error, a stream's end): now when there is room, else on the side,
    /// waiting for room like a stream item. <paramref name="reserved"/> (the request's reserved room) is given back and
    /// <paramref name="finishing"/> ends the request's "finishing" count once
    /// the message is queued (or dropped because the socket closes).
    /// </summary>
    private void Enqueue(byte[] message, bool finishing = false, int reserved = -1)
    {
        if (IsClosing || TryEnqueueNow(message))
        {
            if (reserved >= 0) Unreserve(reserved);
            if (finishing) EndFinishing();
            return;
        }

        _ = EnqueueLaterAsync(message, finishing, reserved);
    }

    private async Task EnqueueLaterAsync(byte[] message, bool finishing, int reserved)
    {
        try
        {
            await EnqueueItemAsync(message).ConfigureAwait(false);
        }
        finally
        {
            if (reserved >= 0) Unreserve(reserved);
            if (finishing) EndFinishing();
        }
    }

    /// <summary>
    /// Queues a message, waiting for room up to the endpoint's <c>timeout_ms</c> (a stream pauses meanwhile, and the
    /// socket's next inbound messages are not read while the queue is full). A client that leaves the queue full
    /// that long does not read: the socket closes with 1013 and what was queued is dropped.
    /// </summary>
    private async ValueTask<bool> EnqueueItemAsync(byte[] message)
    {
        if (IsClosing)
        {
            return false;
        }

        if (TryEnqueueNow(message))
        {
            return true;
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(_endpoint.TimeoutMs), _ingress.Time);
        try
        {
            while (!IsClosing)
            {
                await WaitForRoomAsync(message.Length, wait.Token).ConfigureAwait(false);
                if (!IsClosing && TryEnqueueNow(message))
                {
                    return true;
                }
            }

            return false;
        }
        catch (OperationCanceledException)
        {
            CloseSlowReader();
            return false;
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
                    if (!_discardQueued)
                    {
                        await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, _abort.Token).ConfigureAwait(false);
                    }

                    Sent(message.Length);
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
