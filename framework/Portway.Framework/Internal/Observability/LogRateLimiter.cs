namespace Portway.Internal.Observability;

/// <summary>
/// Lets at most <c>perWindow</c> log lines of one kind through per <c>window</c>; the rest are counted, and the next
/// line let through says how many were dropped. A flood of refused connections or frames costs a counter, not a
/// log line each.
/// </summary>
internal sealed class LogRateLimiter(TimeProvider time, int perWindow = 10, TimeSpan? window = null)
{
    private readonly Lock _lock = new();
    private readonly TimeSpan _window = window ?? TimeSpan.FromSeconds(1);
    private long _windowStart = long.MinValue;
    private int _used;
    private long _suppressed;
    private long _pendingDropped;

    /// <summary>Lines dropped so far in all.</summary>
    public long Suppressed => Interlocked.Read(ref _suppressed);

    /// <summary>True when a line may be written now; <paramref name="droppedBefore"/> is how many were dropped since the last one written.</summary>
    public bool TryAcquire(out long droppedBefore)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (_windowStart == long.MinValue || time.GetElapsedTime(_windowStart, now) >= _window)
            {
                _windowStart = now;
                _used = 0;
            }

            if (_used < perWindow)
            {
                _used++;
                droppedBefore = _pendingDropped;
                _pendingDropped = 0;
                return true;
            }

            _pendingDropped++;
            Interlocked.Increment(ref _suppressed);
            droppedBefore = 0;
            return false;
        }
    }
}
