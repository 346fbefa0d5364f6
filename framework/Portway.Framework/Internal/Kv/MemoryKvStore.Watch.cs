using System.Runtime.CompilerServices;
using Portway.Kv;

namespace Portway.Internal.Kv;

internal sealed partial class MemoryKvStore
{
    private readonly List<KvWatcher> _watchers = [];

    public async IAsyncEnumerable<KvChange> WatchAsync(KvSelector selector, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selector);
        KvWatcher watcher;
        KvChange[] current;
        lock (_gate)
        {
            // The snapshot and the registration happen together: no change falls between them.
            Sweep();
            current = selector.Prefix is not null
                ? _items.Where(p => selector.Matches(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => new KvChange(p.Key, KvChangeKind.Current, p.Value.Value, p.Value.Version)).ToArray()
                : selector.Keys.Where(_items.ContainsKey)
                    .Select(k => new KvChange(k, KvChangeKind.Current, _items[k].Value, _items[k].Version)).ToArray();
            watcher = new KvWatcher(selector, _watchCapacity);
            _watchers.Add(watcher);
        }

        try
        {
            foreach (var change in current)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return change;
            }

            await foreach (var change in watcher.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return change;
            }
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(watcher);
            }
        }
    }

    /// <summary>Hands a change to every watcher it concerns; a watcher that is full is ended. Under the lock.</summary>
    private void Notify(KvChange change)
    {
        for (var i = _watchers.Count - 1; i >= 0; i--)
        {
            var watcher = _watchers[i];
            if (!watcher.Selector.Matches(change.Key) || watcher.TryWrite(change)) continue;
            watcher.End(new PortwayException(ErrorCode.Unavailable,
                $"kv watch of {watcher.Selector} ended: the reader fell more than {_watchCapacity} changes behind"));
            _watchers.RemoveAt(i);
        }
    }
}
