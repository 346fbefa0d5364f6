using Portway.Configuration;

namespace Portway.Policies;

/// <summary>
/// A port: where the fixed window, sliding window and token bucket limits of <c>rate_limit</c> are counted when
/// several hosts share them (<c>runtime.web.policy_store: redis</c>; the Redis adapter implements it). Without one,
/// every host counts its own. <c>concurrency</c> limits are always counted per host (a permit is held by a request
/// of this host). A store that cannot be reached makes the callers count on their own host until it is back.
/// </summary>
public interface IRateLimitStore
{
    /// <summary>False while the store cannot be reached (the caller then counts on its own host).</summary>
    bool IsAvailable { get; }

    /// <summary>
    /// Takes one permit of <paramref name="limit"/> for <paramref name="key"/> at <paramref name="now"/> (the caller's
    /// <see cref="TimeProvider"/>), atomically for every host. Blocks for one round trip: for callers that cannot await.
    /// </summary>
    RateLimitDecision TryAcquire(string key, RateLimitConfig limit, DateTimeOffset now);

    /// <summary>As <see cref="TryAcquire"/>, without blocking.</summary>
    ValueTask<RateLimitDecision> TryAcquireAsync(string key, RateLimitConfig limit, DateTimeOffset now, CancellationToken cancellationToken = default);
}
