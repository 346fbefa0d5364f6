using System.Collections.Concurrent;

namespace Portway.Adapters.Http.Internal.Policies;

/// <summary>Requests refused by each boundary policy (<c>auth</c>, <c>scope</c>, <c>tenant</c>, <c>rate_limit</c>, <c>message_rate</c>), for <c>/stats</c>.</summary>
internal sealed class PolicyStats
{
    public static readonly string[] Policies = ["auth", "scope", "tenant", "rate_limit", "message_rate", "origin"];

    private readonly ConcurrentDictionary<string, long> _rejections = new(StringComparer.Ordinal);
    private long _cacheHits;
    private long _cacheMisses;

    public void Rejected(string policy) => _rejections.AddOrUpdate(policy, 1, static (_, n) => n + 1);

    public void CacheHit() => Interlocked.Increment(ref _cacheHits);

    public void CacheMiss() => Interlocked.Increment(ref _cacheMisses);

    public long CacheHits => Interlocked.Read(ref _cacheHits);

    public long CacheMisses => Interlocked.Read(ref _cacheMisses);

    public long Rejections(string policy) => _rejections.GetValueOrDefault(policy);
}
