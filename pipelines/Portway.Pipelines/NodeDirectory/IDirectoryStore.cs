namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// Where the directory keeps its entries. Implementations are thread-safe. Keyed reads and writes are async (a
/// store shared by several hosts reads through to the kv); discovery pages from an index kept in memory.
/// </summary>
internal interface IDirectoryStore
{
    /// <summary>How many entries the index holds.</summary>
    int Count { get; }

    /// <summary>The stored entry for <paramref name="id"/> (dead ones included), or null.</summary>
    ValueTask<DirectoryEntry?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="next"/> only if the entry for its id is still <paramref name="current"/> (as
    /// <see cref="GetAsync"/> answered it; null: only when there is none); false when another write came first.
    /// </summary>
    ValueTask<bool> ReplaceAsync(DirectoryEntry? current, DirectoryEntry next, CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="current"/> only if it is still the stored entry; false when it changed or is gone.</summary>
    ValueTask<bool> RemoveAsync(DirectoryEntry current, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> entries in ordinal id order, starting after <paramref name="afterId"/> (null:
    /// from the first), only those offering <paramref name="capability"/> (null: any) that <paramref name="filter"/>
    /// accepts. <paramref name="more"/> is true when an accepted entry was left after the page.
    /// </summary>
    IReadOnlyList<DirectoryEntry> Page(string? capability, string? afterId, Func<DirectoryEntry, bool> filter, int limit, out bool more);

    /// <summary>Every entry of the index, in no particular order (a copy).</summary>
    IReadOnlyList<DirectoryEntry> All();
}
