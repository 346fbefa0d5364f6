using System.Threading.RateLimiting;

namespace Portway.Adapters.Http.Internal.Policies;

/// <summary>
/// The outcome of the boundary policies for one request: let in (with the caller's identity and, for a
/// concurrency limit, the lease to dispose when the request ends) or refused with a taxonomy error.
/// </summary>
internal readonly record struct Admission(PortwayError? Error, CallerIdentity Identity, DateTimeOffset ExpiresAt, RateLimitLease? Lease, int RetryAfterSeconds)
{
    /// <summary>Let in anonymously with nothing to release: what an open policy (<see cref="AccessPolicy.IsOpen"/>) admits.</summary>
    public static Admission Open => new(null, CallerIdentity.Anonymous, default, null, 0);

    public static Admission Refused(PortwayError error, int retryAfterSeconds = 0) => new(error, CallerIdentity.Anonymous, default, null, retryAfterSeconds);
}
