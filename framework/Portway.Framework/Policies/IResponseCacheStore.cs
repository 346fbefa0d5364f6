namespace Portway.Policies;

/// <summary>
/// A port: the store of the response cache (<c>cache: { ttl_s }</c>) when several hosts share it
/// (<c>runtime.web.policy_store: redis</c>; the Redis adapter implements it, the http adapter serves it to ASP.NET
/// Core as its <c>IOutputCacheStore</c>). Without one, each host keeps its answers in memory. Entries are opaque
/// bytes under a key, tagged (the http adapter tags every entry with <c>portway</c> and <c>pipeline:NAME</c>, and, when
/// the caller's token has a tenant, <c>tenant:T</c> and <c>pipeline:NAME|tenant:T</c>) so a clear can drop one tenant's
/// or one pipeline's entries. A store that cannot be reached answers a miss and stores nothing.
/// </summary>
public interface IResponseCacheStore
{
    /// <summary>The entry under <paramref name="key"/>, or null (none, expired, or the store unreachable).</summary>
    ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/> for <paramref name="validFor"/>, with its tags.</summary>
    ValueTask SetAsync(string key, byte[] value, IReadOnlyList<string> tags, TimeSpan validFor, CancellationToken cancellationToken = default);

    /// <summary>Drops every entry tagged <paramref name="tag"/>; throws <see cref="PortwayException"/> (<c>unavailable</c>) when the store cannot be reached.</summary>
    ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken = default);
}
