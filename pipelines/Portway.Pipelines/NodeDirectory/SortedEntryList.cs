using System.Text;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// Entries in ordinal order of their ids, for cursor paging: sorted chunks of at most <see cref="ChunkSize"/> entries
/// (a binary search finds the chunk, another the place in it; an insert moves at most one chunk). About 8 to 11 bytes
/// per entry, where a <see cref="SortedSet{T}"/> node costs 48. Not thread-safe: the store's lock guards it.
/// </summary>
internal sealed class SortedEntryList
{
    public const int ChunkSize = 512;

    private readonly List<List<DirectoryEntry>> _chunks = [];

    public int Count { get; private set; }

    /// <summary>Adds <paramref name="entry"/>, or replaces the entry with its id.</summary>
    public void Set(DirectoryEntry entry)
    {
        if (_chunks.Count == 0)
        {
            _chunks.Add([entry]);
            Count = 1;
            return;
        }

        var id = entry.IdUtf8;
        var chunk = _chunks[ChunkFor(id)];
        var at = Find(chunk, id);
        if (at >= 0)
        {
            chunk[at] = entry;
            return;
        }

        chunk.Insert(~at, entry);
        Count++;
        if (chunk.Count > ChunkSize * 2)
        {
            var index = _chunks.IndexOf(chunk);
            var upper = chunk.GetRange(ChunkSize, chunk.Count - ChunkSize);
            chunk.RemoveRange(ChunkSize, chunk.Count - ChunkSize);
            chunk.Capacity = ChunkSize * 2;
            _chunks.Insert(index + 1, upper);
        }
    }

    /// <summary>Removes the entry with <paramref name="id"/>; false when there is none.</summary>
    public bool Remove(ReadOnlySpan<byte> id)
    {
        if (_chunks.Count == 0)
        {
            return false;
        }

        var index = ChunkFor(id);
        var chunk = _chunks[index];
        var at = Find(chunk, id);
        if (at < 0)
        {
            return false;
        }

        chunk.RemoveAt(at);
        Count--;
        if (chunk.Count == 0)
        {
            _chunks.RemoveAt(index);
        }

        return true;
    }

    /// <summary>The entries after <paramref name="afterId"/> (all when null), in order; the list must not change meanwhile.</summary>
    public IEnumerable<DirectoryEntry> After(string? afterId)
    {
        var (chunkIndex, at) = (0, 0);
        if (afterId is not null && _chunks.Count > 0)
        {
            var after = Encoding.UTF8.GetBytes(afterId);
            chunkIndex = ChunkFor(after);
            var found = Find(_chunks[chunkIndex], after);
            at = found >= 0 ? found + 1 : ~found;
        }

        for (; chunkIndex < _chunks.Count; chunkIndex++, at = 0)
        {
            var chunk = _chunks[chunkIndex];
            for (; at < chunk.Count; at++)
            {
                yield return chunk[at];
            }
        }
    }

    /// <summary>The chunk whose range holds <paramref name="id"/>: the first whose last id is not below it, else the last.</summary>
    private int ChunkFor(ReadOnlySpan<byte> id)
    {
        int low = 0, high = _chunks.Count - 1;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (_chunks[middle][^1].IdUtf8.SequenceCompareTo(id) < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>The index of <paramref name="id"/> in <paramref name="chunk"/>, or the complement of where it would go.</summary>
    private static int Find(List<DirectoryEntry> chunk, ReadOnlySpan<byte> id)
    {
        int low = 0, high = chunk.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var order = chunk[middle].IdUtf8.SequenceCompareTo(id);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }
}
