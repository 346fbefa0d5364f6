using Portway.Adapters.Http;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>
/// The send queue's bounds: at most <c>send_queue_limit</c> messages and <c>send_queue_bytes</c> bytes (one larger
/// message still goes into an empty queue). A message counts from queued until its send completes. While the queue is
/// full the receive loop reads nothing and streams wait before their next item; a message that finds no room within
/// <c>timeout_ms</c> closes the connection (1013: the client does not read).
/// </summary>
internal sealed partial class GraphQLWebSocketSession
{
    private readonly SendRoom _room = new();
    private int _queuedCount;
    private long _queuedBytes;

    private bool HasRoomFor(int size)
    {
        var bytes = Interlocked.Read(ref _queuedBytes);
        return Volatile.Read(ref _queuedCount) < _endpoint.Config.SendQueueLimit && (bytes == 0 || bytes + size <= _endpoint.Config.SendQueueBytes);
    }

    /// <summary>True while the send queue is full: the receive loop then waits before reading the next message.</summary>
    private bool SendQueueFull =>
        Volatile.Read(ref _queuedCount) >= _endpoint.Config.SendQueueLimit || Interlocked.Read(ref _queuedBytes) >= _endpoint.Config.SendQueueBytes;

    private bool Closing => Volatile.Read(ref _closeRequested) != 0;

    /// <summary>Queues a message now when it fits, else waits for room on the side (up to <c>timeout_ms</c>, then 1013).</summary>
    private void Enqueue(byte[] message)
    {
        if (!Closing && !TryEnqueueNow(message))
        {
            _ = EnqueueWhenRoomAsync(message);
        }
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
            Dequeued(message.Length);
        }

        return true;
    }

    private async Task EnqueueWhenRoomAsync(byte[] message)
    {
        using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(_endpoint.Config.TimeoutMs), _time);
        try
        {
            while (!Closing)
            {
                await WaitForRoomAsync(message.Length, wait.Token).ConfigureAwait(false);
                if (!Closing && TryEnqueueNow(message))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            RequestClose(GraphQLWsCloseCodes.TryAgainLater, $"send queue full for {_endpoint.Config.TimeoutMs} ms: the client does not read");
        }
    }

    /// <summary>A queued message left the queue (sent, or dropped by a closing socket): wakes whoever waits for room.</summary>
    private void Dequeued(int size)
    {
        Interlocked.Decrement(ref _queuedCount);
        Interlocked.Add(ref _queuedBytes, -size);
        _room.Signal();
    }

    /// <summary>Completes once a message of <paramref name="size"/> bytes fits (0: once the queue is not full), or the connection is closing.</summary>
    private async ValueTask WaitForRoomAsync(int size, CancellationToken cancellationToken)
    {
        while (true)
        {
            var task = _room.Next(static r => r.Session.Closing || (r.Size == 0 ? !r.Session.SendQueueFull : r.Session.HasRoomFor(r.Size)), (Session: this, Size: size));
            if (task.IsCompleted)
            {
                return;
            }

            await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Completes when the send queue is no longer full (or the connection is closing): a stream's next item may come.</summary>
    private ValueTask WaitForSendRoomAsync(CancellationToken cancellationToken) => WaitForRoomAsync(0, cancellationToken);
}
