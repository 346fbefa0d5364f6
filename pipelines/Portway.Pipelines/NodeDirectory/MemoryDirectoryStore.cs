namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// The directory's entries in memory: a set of entries keyed by their id (looked up by a string id without an id
/// string per node: <see cref="DirectoryEntryIdComparer"/>), the entries in ordinal order of ids (for cursor paging)
/// and one such ordered list per capability (so a capability filter reads only the nodes that offer it). One lock.
/// </summary>
internal sealed class MemoryDirectoryStore : IDirectoryStore
{
    private readonly Lock _lock = new();
    private readonly HashSet<DirectoryEntry> _entries;
    private readonly HashSet<DirectoryEntry>.AlternateLookup<string> _byId;
    private readonly SortedEntryList _ids = new();
    private readonly Dictionary<string, SortedEntryList> _byCapability = new(StringComparer.Ordinal);

    public MemoryDirectoryStore()
    {
        _entries = new HashSet<DirectoryEntry>(DirectoryEntryIdComparer.Instance);
        _byId = _entries.GetAlternateLookup<string>();
    }

    /// <inheritdoc />
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<DirectoryEntry?> GetAsync(string id, CancellationToken cancellationToken = default) => ValueTask.FromResult(Get(id));

    /// <inheritdoc />
    public ValueTask<bool> ReplaceAsync(DirectoryEntry? current, DirectoryEntry next, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(next);
        lock (_lock)
        {
            if (!ReferenceEquals(Held(next), current))
            {
                return ValueTask.FromResult(false);
            }

            Put(next);
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> RemoveAsync(DirectoryEntry current, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        lock (_lock)
        {
            return ValueTask.FromResult(ReferenceEquals(Held(current), current) && Remove(current));
        }
    }

    /// <summary>Stores <paramref name="entry"/> unless the index holds a newer kv version of it; false when it was older.</summary>
    public bool PutIfNewer(DirectoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            if (Held(entry) is { } held && held.Version >= entry.Version)
            {
                return false;
            }

            Put(entry);
            return true;
        }
    }

    /// <summary>Removes the entry for <paramref name="id"/> unless the index holds a version newer than <paramref name="version"/>.</summary>
    public bool RemoveIfNotNewer(string id, long version)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(id, out var held) && held.Version <= version && Remove(held);
        }
    }

    /// <summary>The entry for <paramref name="id"/>, or null.</summary>
    public DirectoryEntry? Get(string id)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(id, out var entry) ? entry : null;
        }
    }

    /// <summary>Stores <paramref name="entry"/>, replacing any entry with its id.</summary>
    public void Put(DirectoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            // The lists hold the entries themselves: each one the entry is in is pointed at the new one.
            var old = Held(entry);
            if (old is not null && !ReferenceEquals(old.Capabilities, entry.Capabilities) && !old.Capabilities.AsSpan().SequenceEqual(entry.Capabilities))
            {
                Remove(old);
            }
            else if (old is not null)
            {
                _entries.Remove(old);
            }

            _entries.Add(entry);
            _ids.Set(entry);
            foreach (var capability in entry.Capabilities)
            {
                if (!_byCapability.TryGetValue(capability, out var list))
                {
                    list = new SortedEntryList();
                    _byCapability.Add(capability, list);
                }

                list.Set(entry);
            }
        }
    }

    /// <summary>Removes the entry for <paramref name="id"/>; false when there was none.</summary>
    public bool Remove(string id)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(id, out var old) && Remove(old);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<DirectoryEntry> Page(string? capability, string? afterId, Func<DirectoryEntry, bool> filter, int limit, out bool more)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var page = new List<DirectoryEntry>(Math.Min(limit, 256));
        more = false;
        lock (_lock)
        {
            var entries = capability is null ? _ids : _byCapability.GetValueOrDefault(capability);
            if (entries is null || entries.Count == 0)
            {
                return page;
            }

            foreach (var entry in entries.After(afterId))
            {
                if (!filter(entry))
                {
                    continue;
                }

                if (page.Count == limit)
                {
                    more = true;
                    break;
                }

                page.Add(entry);
            }
        }

        return page;
    }

    /// <inheritdoc />
    public IReadOnlyList<DirectoryEntry> All()
    {
        lock (_lock)
        {
            return [.. _entries];
        }
    }

    /// <summary>The entry held with <paramref name="entry"/>'s id, or null. Under the lock.</summary>
    private DirectoryEntry? Held(DirectoryEntry entry) => _entries.TryGetValue(entry, out var held) ? held : null;

    /// <summary>Removes <paramref name="old"/> (the entry held) from the set and every list. Under the lock.</summary>
    private bool Remove(DirectoryEntry old)
    {
        _entries.Remove(old);
        _ids.Remove(old.IdUtf8);
        foreach (var capability in old.Capabilities)
        {
            if (_byCapability.TryGetValue(capability, out var list) && list.Remove(old.IdUtf8) && list.Count == 0)
            {
                _byCapability.Remove(capability);
            }
        }

        return true;
    }
}
