using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Portway.Configuration;

namespace Portway.Adapters.Http;

/// <summary>
/// The boundary policies (authentication, scopes, tenant binding, rate limits) as a service any ingress adapter can
/// apply before it calls <see cref="IPortwayInvoker"/>: the HTTP endpoints, the WebSocket and GraphQL adapters, or
/// a third party's. Registered by <see cref="HttpPortwayBuilderExtensions.AddPortwayHttp"/>; refusals are counted in
/// <c>/stats</c> (<c>rejections</c>).
/// </summary>
public interface IPortwayBoundaryPolicies
{
    /// <summary>True when the config declares a JWT issuer/keys, so bearer tokens can be validated.</summary>
    bool AuthEnabled { get; }

    /// <summary>
    /// Admits an HTTP request or a WebSocket upgrade: authenticates its bearer token when <paramref name="policy"/>
    /// requires one, then applies <see cref="Check"/>. On a refusal the response headers (<c>WWW-Authenticate</c>,
    /// <c>Retry-After</c>) are already set; write the error body with <see cref="HttpErrorWriter"/>.
    /// </summary>
    ValueTask<Admission> AdmitAsync(HttpContext context, AccessPolicy policy, string tenant);

    /// <summary>
    /// Scopes, tenant and rate limit for a caller already authenticated (or anonymous where allowed). A let-in
    /// admission may hold a concurrency lease: dispose it when the call ends.
    /// </summary>
    Admission Check(AccessPolicy policy, CallerIdentity identity, string tenant, string client);

    /// <summary>As <see cref="Check"/>; a rate limit kept in a shared store (Redis) is asked without blocking.</summary>
    ValueTask<Admission> CheckAsync(AccessPolicy policy, CallerIdentity identity, string tenant, string client);

    /// <summary>Validates a bearer token sent in a message rather than a header (GraphQL-WS <c>connection_init</c>).</summary>
    Task<AuthOutcome> ValidateTokenAsync(string? token);

    /// <summary>Whether a token that expires at <paramref name="expiresAt"/> has expired now (the configured clock skew allowed).</summary>
    bool IsExpired(DateTimeOffset expiresAt);

    /// <summary>Counts one refusal by <paramref name="policy"/> (<c>auth</c>, <c>scope</c>, <c>tenant</c>, <c>rate_limit</c>, <c>message_rate</c>, <c>origin</c>).</summary>
    void CountRejection(string policy);

    /// <summary>
    /// Checks a WebSocket upgrade's <c>Origin</c> against <paramref name="allowed"/> (see <see cref="OriginCheck"/>) and
    /// counts a refusal as <c>origin</c>: null when the upgrade may go on, else the <c>forbidden</c> error to answer (403).
    /// </summary>
    PortwayError? CheckOrigin(HttpRequest request, IReadOnlyList<string> allowed)
    {
        var refused = OriginCheck.Refusal(request, allowed);
        if (refused is not null)
        {
            CountRejection("origin");
        }

        return refused;
    }

    /// <summary>A rate limiter of its own for <paramref name="limit"/>, not partitioned (a socket's message rate). Dispose it.</summary>
    RateLimiter CreateLimiter(RateLimitConfig limit);

    /// <summary>The client key a <c>by: client</c> limit counts for <paramref name="context"/> (its remote address).</summary>
    string ClientKey(HttpContext context);
}
