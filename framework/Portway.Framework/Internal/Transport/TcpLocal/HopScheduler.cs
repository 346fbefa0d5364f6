namespace Portway.Internal.Transport.TcpLocal;

/// <summary>
/// Runs a worker's hops off the link's reading thread with bounded concurrency: at most
/// <see cref="MaxConcurrency"/> run at once on the thread pool, up to <see cref="MaxQueued"/> more wait in
/// arrival order, and one more is refused (the caller answers it <c>unavailable</c>). A slow or CPU-heavy node
/// holds one slot, never the reading of the link's other hops and cancels.
/// </summary>
/// <remarks>
/// Hops wait in one queue; runners (at most <see cref="MaxConcurrency"/>, each a thread-pool item running one hop at a
/// time) take them in order and keep taking while any wait. Whenever hops wait and a slot is free, one runner more is
/// already on its way (queued to the pool, not started yet): so a hop never waits behind a running one while a slot is
/// free, only for a runner to start, as it did when every hop was a pool item of its own. But a burst of hops read at
/// once starts a runner or two, not one pool item (and a thread woken) per hop: a runner that finds hops waiting when
/// it finishes one takes the next itself (issue 11: the worker's futex wakes and context switches per hop).
/// </remarks>
internal sealed class HopScheduler<T> : IThreadPoolWorkItem
    where T : class
{
    private readonly object _gate = new();
    private readonly Queue<T> _queued = new();
    private readonly Func<T, Task> _run;
    private int _running;
    private int _runners;
    private bool _starting;

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

    /// <summary>Hops running now, or about to in a free slot (a runner on its way to them).</summary>
    public int Running
    {
        get
        {
            lock (_gate) return Math.Min(_running + _queued.Count, MaxConcurrency);
        }
    }

    /// <summary>Hops waiting for a slot (every slot is taken).</summary>
    public int Queued
    {
        get
        {
            lock (_gate) return Math.Max(_running + _queued.Count - MaxConcurrency, 0);
        }
    }

    /// <summary>Queues <paramref name="item"/> to run on the thread pool; false (nothing done) when the queue is full. Never blocks.</summary>
    public bool TrySchedule(T item)
    {
        bool start;
        lock (_gate)
        {
            if (_running + _queued.Count >= MaxConcurrency + MaxQueued)
            {
                return false;
            }

            _queued.Enqueue(item);
            start = StartRunnerIfNeeded();
        }

        if (start)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        return true;
    }

    void IThreadPoolWorkItem.Execute() => _ = RunAsync();

    /// <summary>Under the gate: true (and counted) when hops wait, no runner is on its way and a slot is free.</summary>
    private bool StartRunnerIfNeeded()
    {
        if (_queued.Count == 0 || _starting || _runners >= MaxConcurrency)
        {
            return false;
        }

        _runners++;
        _starting = true;
        return true;
    }

    /// <summary>A runner: takes the waiting hops one at a time, in order, until none wait; a hop's failure never ends it.</summary>
    private async Task RunAsync()
    {
        T? item;
        bool start;
        lock (_gate)
        {
            _starting = false;
            if (!_queued.TryDequeue(out item))
            {
                _runners--;
                return;
            }

            _running++;
            start = StartRunnerIfNeeded();
        }

        while (true)
        {
            if (start)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }

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
                if (!_queued.TryDequeue(out item))
                {
                    _running--;
                    _runners--;
                    return;
                }

                start = StartRunnerIfNeeded();
            }
        }
    }
}
