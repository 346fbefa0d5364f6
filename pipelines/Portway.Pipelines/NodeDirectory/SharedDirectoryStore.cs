using System.Text.Json;
using Microsoft.Extensions.Logging;
using Portway.Kv;
using Portway.Nodes;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// The directory on a kv that several hosts share (Redis): the kv is the one truth. Keyed reads go to the kv
/// (<c>directory/nodes/ID</c>), every write is a compare-and-set against the version read, so two hosts never
/// overwrite each other's change; a conflict makes the directory read again. Discovery pages from an in-memory index
/// filled at start and kept up to date by a kv watch on the prefix (every host's writes, its own applied at once),
/// ordered by kv version so a late event never undoes a newer write.
/// </summary>
internal sealed partial class SharedDirectoryStore : IDirectoryStore, IAsyncDisposable
{
    private readonly IKvStore _kv;
    private readonly MemoryDirectoryStore _index;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task _watch = Task.CompletedTask;
    private long _maxVersion;

    public SharedDirectoryStore(IKvStore kv, MemoryDirectoryStore index, TimeProvider time, ILogger logger)
    {
        _kv = kv ?? throw new ArgumentNullException(nameof(kv));
        _index = index ?? throw new ArgumentNullException(nameof(index));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    public int Count => _index.Count;

    /// <summary>Fills the index from the kv, then follows every host's changes until disposed.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var loaded = await LoadIndexAsync(cancellationToken).ConfigureAwait(false);
        Log.Loaded(_logger, loaded);
        _watch = Task.Run(() => WatchAsync(_stop.Token), CancellationToken.None);
    }

    public async ValueTask<DirectoryEntry?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        if (await _kv.GetAsync(DirectoryPersistence.KeyPrefix + id, cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return null;
        }

        var entry = Deserialize(stored.Value.Span, stored.Version);
        if (entry is not null)
        {
            Apply(entry);
        }

        return entry;
    }

    public async ValueTask<bool> ReplaceAsync(DirectoryEntry? current, DirectoryEntry next, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(next);
        var written = await _kv.CompareAndSetAsync(DirectoryPersistence.KeyPrefix + next.Id, current?.Version ?? 0,
            JsonSerializer.SerializeToUtf8Bytes(next, NodeJson.Options), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!written.Succeeded)
        {
            return false;
        }

        Apply(next with { Version = written.Version });
        return true;
    }

    public async ValueTask<bool> RemoveAsync(DirectoryEntry current, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        var key = DirectoryPersistence.KeyPrefix + current.Id;

        // The kv port has no compare-and-delete: read the version right before deleting. Only a dead node is swept
        // (no heartbeat can revive it), so what can slip in between is a fresh registration of its id, within that
        // one round trip.
        if (await _kv.GetAsync(key, cancellationToken).ConfigureAwait(false) is not { } stored || stored.Version != current.Version)
        {
            return false;
        }

        if (!await _kv.DeleteAsync(key, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        _index.RemoveIfNotNewer(current.Id, current.Version);
        return true;
    }

    public IReadOnlyList<DirectoryEntry> Page(string? capability, string? afterId, Func<DirectoryEntry, bool> filter, int limit, out bool more) =>
        _index.Page(capability, afterId, filter, limit, out more);

    public IReadOnlyList<DirectoryEntry> All() => _index.All();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _watch.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task<int> LoadIndexAsync(CancellationToken cancellationToken)
    {
        var loaded = 0;
        foreach (var key in await _kv.ListKeysAsync(DirectoryPersistence.KeyPrefix, cancellationToken).ConfigureAwait(false))
        {
            if (await _kv.GetAsync(key, cancellationToken).ConfigureAwait(false) is { } stored && Deserialize(stored.Value.Span, stored.Version) is { } entry)
            {
                Apply(entry);
                loaded++;
            }
        }

        return loaded;
    }

    private async Task WatchAsync(CancellationToken stop)
    {
        var restarted = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var watch = _kv.WatchAsync(KvSelector.ForPrefix(DirectoryPersistence.KeyPrefix), stop);
                if (restarted)
                {
                    await ResyncAsync(stop).ConfigureAwait(false);
                }

                await foreach (var change in watch.ConfigureAwait(false))
                {
                    var id = change.Key[DirectoryPersistence.KeyPrefix.Length..];
                    if (change.Kind == KvChangeKind.Deleted)
                    {
                        _index.RemoveIfNotNewer(id, change.Version == 0 ? long.MaxValue : change.Version);
                    }
                    else if (Deserialize(change.Value.Span, change.Version) is { } entry)
                    {
                        Apply(entry);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The watch is restarted after any failure; discovery must not stop following the other hosts.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.WatchFailed(_logger, ex);
                restarted = true;
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), _time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>After a lost watch: drops the index entries whose keys were deleted meanwhile (the new watch re-sends the others).</summary>
    private async Task ResyncAsync(CancellationToken stop)
    {
        var before = Interlocked.Read(ref _maxVersion);
        var present = (await _kv.ListKeysAsync(DirectoryPersistence.KeyPrefix, stop).ConfigureAwait(false))
            .Select(k => k[DirectoryPersistence.KeyPrefix.Length..]).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in _index.All())
        {
            if (!present.Contains(entry.Id))
            {
                _index.RemoveIfNotNewer(entry.Id, before);
            }
        }
    }

    private void Apply(DirectoryEntry entry)
    {
        long seen;
        while ((seen = Interlocked.Read(ref _maxVersion)) < entry.Version && Interlocked.CompareExchange(ref _maxVersion, entry.Version, seen) != seen)
        {
        }

        _index.PutIfNewer(entry);
    }

    private DirectoryEntry? Deserialize(ReadOnlySpan<byte> json, long version)
    {
        try
        {
            return JsonSerializer.Deserialize<DirectoryEntry>(json, NodeJson.Options) is { } entry ? entry with { Version = version } : null;
        }
        catch (JsonException ex)
        {
            Log.Unreadable(_logger, ex);
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1604, Level = LogLevel.Information, Message = "node directory: {Count} nodes loaded from the shared kv; following the other hosts' changes")]
        public static partial void Loaded(ILogger logger, int count);

        [LoggerMessage(EventId = 1605, Level = LogLevel.Warning, Message = "node directory: the kv watch ended; restarting it")]
        public static partial void WatchFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 1606, Level = LogLevel.Warning, Message = "node directory: an entry in the kv is not a directory node; skipped")]
        public static partial void Unreadable(ILogger logger, Exception exception);
    }
}
