namespace Portway.Kv;

/// <summary>
/// The kv port: a key-value store nodes take from DI. Backed by <c>runtime.platform.kv.backend</c>
/// (<c>memory</c>, the default, one process; or <c>redis</c>, shared by every host on one Redis).
/// </summary>
/// <remarks>
/// <para>
/// Keys are non-empty strings of at most <see cref="KvKeys.MaxLength"/> characters; values are bytes (JSON by
/// convention). Every write gives the key a new <see cref="KvEntry.Version"/>, greater than any version the store
/// handed out before, so a version names one write: <see cref="CompareAndSetAsync"/> writes only when the key still
/// has the version the caller read.
/// </para>
/// <para>
/// A time to live makes the key disappear once it passes (measured by the store's clock, the injected
/// <see cref="TimeProvider"/> for the memory backend); the expiry is a deletion for watchers.
/// </para>
/// </remarks>
public interface IKvStore
{
    /// <summary>The key's value and version, or null when it does not exist (or has expired).</summary>
    ValueTask<KvEntry?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Writes <paramref name="value"/> (create or replace); answers the new version.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The bytes to store.</param>
    /// <param name="timeToLive">When set (positive), the key expires that long after this write; null keeps it until deleted.</param>
    /// <param name="cancellationToken">Cancels the call (the write may still happen).</param>
    ValueTask<long> SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="value"/> only when the key's version is <paramref name="expectedVersion"/>
    /// (<c>0</c>: only when the key does not exist). Atomic against every other write of the store.
    /// </summary>
    ValueTask<KvCasResult> CompareAndSetAsync(string key, long expectedVersion, ReadOnlyMemory<byte> value, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes the key; true when it existed.</summary>
    ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>The keys that start with <paramref name="prefix"/> (<c>""</c>: every key), ordinal-sorted.</summary>
    ValueTask<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>
    /// Watches the keys <paramref name="selector"/> names: first a <see cref="KvChangeKind.Current"/> event for each
    /// of them that exists (ordinal key order), then every change as it happens, in order per key, a deletion
    /// (or expiry) included. Ends only by <paramref name="cancellationToken"/>, or with a
    /// <see cref="PortwayException"/> (<see cref="ErrorCode.Unavailable"/>) when the reader falls more than the
    /// backend's bound behind, or the backend loses track of changes: nothing is buffered without bound.
    /// </summary>
    IAsyncEnumerable<KvChange> WatchAsync(KvSelector selector, CancellationToken cancellationToken = default);
}
