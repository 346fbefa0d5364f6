using Portway.Kv;

namespace Portway.Internal.Kv;

internal sealed partial class MemoryKvStore
{
    /// <summary>(key, version) of each write with a time to live, by expiry; stale entries are skipped when popped.</summary>
    private readonly PriorityQueue<(string Key, long Version), DateTimeOffset> _expiries = new();
    private readonly ITimer _timer;
    private DateTimeOffset _timerDue = DateTimeOffset.MaxValue;

    /// <summary>Under the lock.</summary>
    private void ScheduleExpiry(string key, long version, DateTimeOffset at)
    {
        _expiries.Enqueue((key, version), at);
        if (at < _timerDue) ArmTimer(at);
    }

    /// <summary>Removes every key whose time has come and tells the watchers. Under the lock.</summary>
    private void Sweep()
    {
        if (_expiries.Count == 0) return;
        var now = _time.GetUtcNow();
        while (_expiries.TryPeek(out var entry, out var at) && at <= now)
        {
            _expiries.Dequeue();
            if (_items.TryGetValue(entry.Key, out var item) && item.Version == entry.Version)
            {
                _items.Remove(entry.Key);
                Notify(new KvChange(entry.Key, KvChangeKind.Deleted, ReadOnlyMemory<byte>.Empty, item.Version));
            }
        }

        if (_expiries.TryPeek(out _, out var next))
        {
            if (next != _timerDue) ArmTimer(next);
        }
        else if (_timerDue != DateTimeOffset.MaxValue)
        {
            _timerDue = DateTimeOffset.MaxValue;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void ArmTimer(DateTimeOffset at)
    {
        _timerDue = at;
        var due = at - _time.GetUtcNow();
        _timer.Change(due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            _timerDue = DateTimeOffset.MaxValue;
            Sweep();
        }
    }
}
