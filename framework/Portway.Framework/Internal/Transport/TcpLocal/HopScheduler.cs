namespace Portway.Internal.Transport.TcpLocal;

/// <summary>
/// Runs a worker's hops off the link's reading thread with bounded concurrency: at most
/// <see cref="MaxConcurrency"/> run at once on the thread pool, up to <see cref="MaxQueued"/> more wait in
/// arrival order, and one more is refused (the caller answers it <c>unavailable</c>). A slow or CPU-heavy node
/// holds one slot, never the reading of the link's other hops and cancels.
/// </summary>
internal sealed class HopScheduler<T>
    where T : class
{
    private readonly object _gate = new();
    private readonly Queue<T> _queued = new();
    private readonly Func<T, Task> _run;
    private int _running;

    public HopScheduler(int maxConcurrency, int maxQueued, Func<T, Task> run)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxQueued);
        MaxConcurrency = maxConcurrency;
        MaxQueued = maxQueued;
        _run = run;
    }

    public int MaxConcurrency { get; }

    public int MaxQueued { get; }

    /// <summary>Hops running now.</summary>
    public int Running
    {
        get
        {
            lock (_gate) return _running;
        }
    }

    /// <summary>Hops waiting for a slot.</summary>
    public int Queued
    {
        get
        {
            lock (_gate) return _queued.Count;
        }
    }

    /// <summary>Starts <paramref name="item"/> on the thread pool, or queues it; false (nothing done) when the queue is full. Never blocks.</summary>
    public bool TrySchedule(T item)
    {
        lock (_gate)
        {
            if (_running >= MaxConcurrency)
            {
                if (_queued.Count >= MaxQueued)
                {
                    return false;
                }

                _queued.Enqueue(item);
                return true;
            }

            _running++;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Scheduler.RunAsync(state.Item), (Scheduler: this, Item: item), preferLocal: false);
        return true;
    }

    /// <summary>Runs <paramref name="item"/>, then the queued ones while there are any, keeping its slot.</summary>
    private async Task RunAsync(T item)
    {
        while (true)
        {
            try
            {
                await _run(item).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The runner answers its own failures; one that escapes must not lose the slot.
            catch (Exception)
#pragma warning restore CA1031
            {
            }

            lock (_gate)
            {
                if (!_queued.TryDequeue(out var next))
                {
                    _running--;
                    return;
                }

                item = next;
            }
        }
    }
}
