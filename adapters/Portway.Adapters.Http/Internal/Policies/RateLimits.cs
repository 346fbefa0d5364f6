using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Portway.Configuration;
using Portway.Policies;

namespace Portway.Adapters.Http.Internal.Policies;

/// <summary>
/// One <see cref="PartitionedRateLimiter{TResource}"/> per configured <c>rate_limit</c>, partitioned by the key its
/// <c>by</c> names (client address, subject, tenant): limits are per host. With a shared store
/// (<see cref="IRateLimitStore"/>, <c>runtime.web.policy_store: redis</c>) the fixed, sliding and token bucket limits
/// are counted there, by every host together; <c>concurrency</c> stays per host, and while the store cannot be
/// reached (or a command fails) each host counts on its own.
/// </summary>
internal sealed class RateLimits(TimeProvider time, ILogger<RateLimits> logger, IRateLimitStore? shared = null) : IDisposable
{
    private readonly ConcurrentDictionary<RateLimitConfig, PartitionedRateLimiter<string>> _limiters = new(ReferenceEqualityComparer.Instance);

    /// <summary>True when window and bucket limits are counted in a store every host shares.</summary>
    public bool IsShared => shared is not null;

    /// <summary>Takes one permit for <paramref name="key"/>; the lease must be disposed when the request ends (concurrency limits).</summary>
    public RateLimitLease Acquire(RateLimitConfig config, string key)
    {
        if (Shared(config) is { } store)
        {
            try
            {
                return Lease(store.TryAcquire(key, config, time.GetUtcNow()));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                PolicyLog.SharedLimitFailed(logger, key, ex.Message);
            }
        }

        return _limiters.GetOrAdd(config, Create).AttemptAcquire(key);
    }

    /// <summary>As <see cref="Acquire"/>; a shared store is asked without blocking.</summary>
    public ValueTask<RateLimitLease> AcquireAsync(RateLimitConfig config, string key) =>
        Shared(config) is { } store ? AcquireSharedAsync(store, config, key) : ValueTask.FromResult(_limiters.GetOrAdd(config, Create).AttemptAcquire(key));

    /// <summary>A limiter of its own (a socket's message rate), not partitioned.</summary>
    public RateLimiter CreateSingle(RateLimitConfig config) => CreateLimiter(config);

    /// <summary>The seconds to send in <c>Retry-After</c>: the lease's own hint rounded up, at least 1.</summary>
    public static int RetryAfterSeconds(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values) limiter.Dispose();
    }

    private IRateLimitStore? Shared(RateLimitConfig config) =>
        shared is { IsAvailable: true } && config.Kind != "concurrency" ? shared : null;

    private async ValueTask<RateLimitLease> AcquireSharedAsync(IRateLimitStore store, RateLimitConfig config, string key)
    {
        try
        {
            return Lease(await store.TryAcquireAsync(key, config, time.GetUtcNow()).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            PolicyLog.SharedLimitFailed(logger, key, ex.Message);
            return _limiters.GetOrAdd(config, Create).AttemptAcquire(key);
        }
    }

    private static ClockedLease Lease(RateLimitDecision decision) =>
        decision.Acquired ? ClockedLease.Granted : new ClockedLease(false, decision.RetryAfter);

    private PartitionedRateLimiter<string> Create(RateLimitConfig config) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.Get(key, _ => CreateLimiter(config)), StringComparer.Ordinal);

    private RateLimiter CreateLimiter(RateLimitConfig config) => config.Kind == "concurrency"
        ? new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = config.Permit, QueueLimit = 0 })
        : new ClockedRateLimiter(time, config.Kind, config.Permit, TimeSpan.FromSeconds(config.WindowS), config.Segments, config.EffectiveTokensPerPeriod);
}
