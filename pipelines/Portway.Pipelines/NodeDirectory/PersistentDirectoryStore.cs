namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// The in-memory index as the one truth (a single host on the memory kv backend), telling
/// <see cref="DirectoryPersistence"/> about every change so it is written behind and snapshotted.
/// </summary>
internal sealed class PersistentDirectoryStore(MemoryDirectoryStore index, DirectoryPersistence persistence) : IDirectoryStore
{
    public int Count => index.Count;

    public ValueTask<DirectoryEntry?> GetAsync(string id, CancellationToken cancellationToken = default) => index.GetAsync(id, cancellationToken);

    public async ValueTask<bool> ReplaceAsync(DirectoryEntry? current, DirectoryEntry next, CancellationToken cancellationToken = default)
    {
        if (!await index.ReplaceAsync(current, next, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        persistence.Changed(next.Id);
        return true;
    }

    public async ValueTask<bool> RemoveAsync(DirectoryEntry current, CancellationToken cancellationToken = default)
    {
        if (!await index.RemoveAsync(current, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        persistence.Changed(current.Id);
        return true;
    }

    public IReadOnlyList<DirectoryEntry> Page(string? capability, string? afterId, Func<DirectoryEntry, bool> filter, int limit, out bool more) =>
        index.Page(capability, afterId, filter, limit, out more);

    public IReadOnlyList<DirectoryEntry> All() => index.All();
}
