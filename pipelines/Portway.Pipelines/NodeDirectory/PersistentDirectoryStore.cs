namespace Portway.Pipelines.NodeDirectory;

/// <summary>The in-memory index, telling <see cref="DirectoryPersistence"/> about every change.</summary>
internal sealed class PersistentDirectoryStore(MemoryDirectoryStore index, DirectoryPersistence persistence) : IDirectoryStore
{
    public int Count => index.Count;

    public DirectoryEntry? Get(string id) => index.Get(id);

    public void Put(DirectoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        index.Put(entry);
        persistence.Changed(entry.Id);
    }

    public bool Remove(string id)
    {
        if (!index.Remove(id))
        {
            return false;
        }

        persistence.Changed(id);
        return true;
    }

    public IReadOnlyList<DirectoryEntry> Page(string? capability, string? afterId, Func<DirectoryEntry, bool> filter, int limit, out bool more) =>
        index.Page(capability, afterId, filter, limit, out more);

    public IReadOnlyList<DirectoryEntry> All() => index.All();
}
