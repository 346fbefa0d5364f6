namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// Where the directory keeps its entries. Implementations are thread-safe. Kept this small so the state can
/// move onto the runtime's kv port without touching the directory's logic.
/// </summary>
internal interface IDirectoryStore
{
    /// <summary>How many entries are stored.</summary>
    int Count { get; }

    /// <summary>The entry for <paramref name="id"/>, or null.</summary>
    DirectoryEntry? Get(string id);

    /// <summary>Stores <paramref name="entry"/>, replacing any entry with its id.</summary>
    void Put(DirectoryEntry entry);

    /// <summary>Removes the entry for <paramref name="id"/>; false when there was none.</summary>
    bool Remove(string id);

    /// <summary>
    /// Up to <paramref name="limit"/> entries in ordinal id order, starting after <paramref name="afterId"/> (null:
    /// from the first), only those offering <paramref name="capability"/> (null: any) that <paramref name="filter"/>
    /// accepts. <paramref name="more"/> is true when an accepted entry was left after the page.
    /// </summary>
    IReadOnlyList<DirectoryEntry> Page(string? capability, string? afterId, Func<DirectoryEntry, bool> filter, int limit, out bool more);

    /// <summary>Every entry, in no particular order (a copy).</summary>
    IReadOnlyList<DirectoryEntry> All();
}
