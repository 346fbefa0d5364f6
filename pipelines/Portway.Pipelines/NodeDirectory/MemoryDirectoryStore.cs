namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// The directory's entries in memory: a dictionary by id, the ids in ordinal order (for cursor paging) and one
/// ordered id set per capability (so a capability filter reads only the nodes that offer it). One lock.
/// </summary>
internal sealed class MemoryDirectoryStore : IDirectoryStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DirectoryEntry> _entries = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _byCapability = new(StringComparer.Ordinal);

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
            if (!ReferenceEquals(_entries.GetValueOrDefault(next.Id), current))
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
            return ValueTask.FromResult(ReferenceEquals(_entries.GetValueOrDefault(current.Id), current) && Remove(current.Id));
        }
    }

    /// <summary>Stores <paramref name="entry"/> unless the index holds a newer kv version of it; false when it was older.</summary>
    public bool PutIfNewer(DirectoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            if (_entries.TryGetValue(entry.Id, out var held) && held.Version >= entry.Version)
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
            return _entries.TryGetValue(id, out var held) && held.Version <= version && Remove(id);
        }
    }

    /// <summary>The entry for <paramref name="id"/>, or null.</summary>
    public DirectoryEntry? Get(string id)
    {
        lock (_lock)
        {
            return _entries.GetValueOrDefault(id);
        }
    }

    /// <summary>Stores <paramref name="entry"/>, replacing any entry with its id.</summary>
    public void Put(DirectoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            if (_entries.TryGetValue(entry.Id, out var old))
            {
                if (ReferenceEquals(old.Capabilities, entry.Capabilities) || old.Capabilities.AsSpan().SequenceEqual(entry.Capabilities))
                {
                    _entries[entry.Id] = entry;
                    return;
                }

                Unindex(old);
            }

            _entries[entry.Id] = entry;
            _ids.Add(entry.Id);
            foreach (var capability in entry.Capabilities)
            {
                if (!_byCapability.TryGetValue(capability, out var ids))
                {
                    ids = new SortedSet<string>(StringComparer.Ordinal);
                    _byCapability.Add(capability, ids);
                }

                ids.Add(entry.Id);
            }
        }
    }

    /// <summary>Removes the entry for <paramref name="id"/>; false when there was none.</summary>
    public bool Remove(string id)
    {
        lock (_lock)
        {
            if (!_entries.Remove(id, out var old))
            {
                return false;
            }

            Unindex(old);
            return true;
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
            SortedSet<string>? ids = capability is null ? _ids : _byCapability.GetValueOrDefault(capability);
            if (ids is null || ids.Count == 0)
            {
                return page;
            }

            IEnumerable<string> from = ids;
            if (afterId is not null)
            {
                if (StringComparer.Ordinal.Compare(afterId, ids.Max) >= 0)
                {
                    return page;
                }

                from = ids.GetViewBetween(afterId, ids.Max!).Where(id => !string.Equals(id, afterId, StringComparison.Ordinal));
            }

            foreach (var id in from)
            {
                var entry = _entries[id];
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
            return [.. _entries.Values];
        }
    }

    private void Unindex(DirectoryEntry old)
    {
        _ids.Remove(old.Id);
        foreach (var capability in old.Capabilities)
        {
            if (_byCapability.TryGetValue(capability, out var ids) && ids.Remove(old.Id) && ids.Count == 0)
            {
                _byCapability.Remove(capability);
            }
        }
    }
}
