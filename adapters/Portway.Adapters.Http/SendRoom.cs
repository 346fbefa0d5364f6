namespace Portway.Adapters.Http;

/// <summary>
/// The wake-up of a bounded send queue (a WebSocket's, a stream's): whoever waits for room asks
/// <see cref="Next{TState}"/> with its own condition, whoever frees room (a message sent, a socket closing) calls
/// <see cref="Signal"/>. The condition is checked under the same gate the signal takes, so no wake-up is missed; one
/// signal wakes every waiter, and each checks its condition again.
/// </summary>
public sealed class SendRoom
{
    private readonly Lock _gate = new();
    private TaskCompletionSource? _next;

    /// <summary>
    /// A completed task when <paramref name="ready"/> holds now; else a task that completes at the next
    /// <see cref="Signal"/> (wait on it with a deadline, then check again).
    /// </summary>
    public Task Next<TState>(Func<TState, bool> ready, TState state)
    {
        ArgumentNullException.ThrowIfNull(ready);
        lock (_gate)
        {
            if (ready(state))
            {
                return Task.CompletedTask;
            }

            _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _next.Task;
        }
    }

    /// <summary>Wakes whoever waits now (room was freed, or the queue is closing).</summary>
    public void Signal()
    {
        TaskCompletionSource? next;
        lock (_gate)
        {
            next = _next;
            _next = null;
        }

        next?.TrySetResult();
    }
}
