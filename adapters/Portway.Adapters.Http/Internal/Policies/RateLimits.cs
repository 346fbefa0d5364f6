using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Portway.Configuration;

namespace Portway.Adapters.Http.Internal.Policies;

/// <summary>
/// One <see cref="PartitionedRateLimiter{TResource}"/> per configured <c>rate_limit</c>, partitioned by the key its
/// <c>by</c> names (client address, subject, tenant). Limits are per host.
/// </summary>
internal sealed class RateLimits(TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<RateLimitConfig, PartitionedRateLimiter<string>> _limiters = new(ReferenceEqualityComparer.Instance);

    /// <summary>Takes one permit for <paramref name="key"/>; the lease must be disposed when the request ends (concurrency limits).</summary>
    public RateLimitLease Acquire(RateLimitConfig config, string key) =>
        _limiters.GetOrAdd(config, Create).AttemptAcquire(key);

    /// <summary>A limiter of its own (a socket's message rate), not partitioned.</summary>
    public RateLimiter CreateSingle(RateLimitConfig config) => CreateLimiter(config);

    /// <summary>The seconds to send in <c>Retry-After</c>: the lease's own hint rounded up, at least 1.</summary>
    public static int RetryAfterSeconds(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values) limiter.Dispose();
    }

    private PartitionedRateLimiter<string> Create(RateLimitConfig config) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.Get(key, _ => CreateLimiter(config)), StringComparer.Ordinal);

    private RateLimiter CreateLimiter(RateLimitConfig config) => config.Kind == "concurrency"
        ? new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = config.Permit, QueueLimit = 0 })
        : new ClockedRateLimiter(time, config.Kind, config.Permit, TimeSpan.FromSeconds(config.WindowS), config.Segments, config.EffectiveTokensPerPeriod);
}
