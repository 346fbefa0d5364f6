using System.Threading.RateLimiting;

namespace Portway.Adapters.Http;

/// <summary>
/// The outcome of the boundary policies for one request: let in (with the caller's identity and, for a
/// concurrency limit, the lease to dispose when the request ends) or refused with a taxonomy error.
/// </summary>
public readonly record struct Admission(PortwayError? Error, CallerIdentity Identity, DateTimeOffset ExpiresAt, RateLimitLease? Lease, int RetryAfterSeconds)
{
    /// <summary>Let in anonymously with nothing to release: what an open policy (<see cref="AccessPolicy.IsOpen"/>) admits.</summary>
    public static Admission Open => new(null, CallerIdentity.Anonymous, default, null, 0);

    /// <summary>A refusal with <paramref name="error"/> (and, for <c>rate_limited</c>, the seconds to send in <c>Retry-After</c>).</summary>
    public static Admission Refused(PortwayError error, int retryAfterSeconds = 0) => new(error, CallerIdentity.Anonymous, default, null, retryAfterSeconds);

    /// <summary>The seconds to send in <c>Retry-After</c> for a refused <paramref name="lease"/>: its own hint rounded up, at least 1.</summary>
    public static int RetryAfterSecondsOf(RateLimitLease lease) => Internal.Policies.RateLimits.RetryAfterSeconds(lease);
}
