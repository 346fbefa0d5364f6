using Portway.Kv;

namespace Portway.Internal.Kv;

/// <summary>
/// The <c>memory</c> kv backend: one process's dictionary under one lock. Versions come from one counter, so
/// every write has a version greater than any before it. Time to live is measured by the injected
/// <see cref="TimeProvider"/>: an expired key is gone for every read at once, and a timer on the same clock
/// removes it and tells the watchers. Watchers are told of each change under the lock, so they see changes in
/// the order they were made.
/// </summary>
internal sealed partial class MemoryKvStore : IKvStore, IDisposable
{
    /// <summary>How many unread changes one watcher may hold before it is ended (<see cref="ErrorCode.Unavailable"/>).</summary>
    public const int DefaultWatchCapacity = 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Item> _items = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _watchCapacity;
    private long _revision;

    public MemoryKvStore(TimeProvider time, int watchCapacity = DefaultWatchCapacity)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(watchCapacity, 1);
        _time = time;
        _watchCapacity = watchCapacity;
        _timer = time.CreateTimer(static s => ((MemoryKvStore)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public ValueTask<KvEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        KvKeys.Require(key);
        lock (_gate)
        {
            Sweep();
            return ValueTask.FromResult(_items.TryGetValue(key, out var item) ? new KvEntry(key, item.Value, item.Version) : null);
        }
    }

    public ValueTask<long> SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        KvKeys.Require(key);
        var expires = ExpiresAt(timeToLive);
        lock (_gate)
        {
            Sweep();
            return ValueTask.FromResult(Write(key, value.ToArray(), expires));
        }
    }

    public ValueTask<KvCasResult> CompareAndSetAsync(string key, long expectedVersion, ReadOnlyMemory<byte> value, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        KvKeys.Require(key);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var expires = ExpiresAt(timeToLive);
        var copy = value.ToArray();
        lock (_gate)
        {
            Sweep();
            var current = _items.TryGetValue(key, out var item) ? item.Version : 0;
            return ValueTask.FromResult(current != expectedVersion
                ? new KvCasResult(false, current)
                : new KvCasResult(true, Write(key, copy, expires)));
        }
    }

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        KvKeys.Require(key);
        lock (_gate)
        {
            Sweep();
            if (!_items.Remove(key, out var item)) return ValueTask.FromResult(false);
            Notify(new KvChange(key, KvChangeKind.Deleted, ReadOnlyMemory<byte>.Empty, item.Version));
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        lock (_gate)
        {
            Sweep();
            IReadOnlyList<string> keys = _items.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
            return ValueTask.FromResult(keys);
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        lock (_gate)
        {
            foreach (var watcher in _watchers) watcher.End(new PortwayException(ErrorCode.Unavailable, "the kv store is shutting down"));
            _watchers.Clear();
        }
    }

    private DateTimeOffset? ExpiresAt(TimeSpan? timeToLive)
    {
        if (timeToLive is not { } ttl) return null;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero, nameof(timeToLive));
        return _time.GetUtcNow() + ttl;
    }

    /// <summary>Stores the value under a new version and tells the watchers. Under the lock.</summary>
    private long Write(string key, byte[] value, DateTimeOffset? expires)
    {
        var version = ++_revision;
        _items[key] = new Item(value, version, expires);
        if (expires is { } at) ScheduleExpiry(key, version, at);
        Notify(new KvChange(key, KvChangeKind.Set, value, version));
        return version;
    }

    private sealed record Item(byte[] Value, long Version, DateTimeOffset? ExpiresAt);
}
