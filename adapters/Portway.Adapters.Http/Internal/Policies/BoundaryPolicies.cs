using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Portway.Adapters.Http.Internal.Policies;

/// <summary>
/// Applies an <see cref="AccessPolicy"/> at the boundary, before any envelope exists: authentication (401 with
/// <c>WWW-Authenticate</c>), scopes (403), the tenant binding (403) and the rate limit (429 with <c>Retry-After</c>).
/// The same checks serve HTTP requests, WebSocket upgrades and messages, and GraphQL fields.
/// </summary>
internal sealed class BoundaryPolicies(JwtAuthenticator auth, RateLimits limits, PolicyStats stats) : IPortwayBoundaryPolicies
{
    public bool AuthEnabled => auth.Enabled;

    public JwtAuthenticator Authenticator => auth;

    public RateLimits Limits => limits;

    public PolicyStats Stats => stats;

    /// <summary>Admits an HTTP request or a WebSocket upgrade; on a refusal the response headers (WWW-Authenticate, Retry-After) are set.</summary>
    public async Task<Admission> AdmitAsync(HttpContext context, AccessPolicy policy, string tenant)
    {
        var identity = CallerIdentity.Anonymous;
        var expires = default(DateTimeOffset);
        if (policy.AuthRequired)
        {
            var outcome = await auth.AuthenticateAsync(context).ConfigureAwait(false);
            if (outcome.Identity is null)
            {
                stats.Rejected("auth");
                await context.ChallengeAsync(JwtAuthenticator.Scheme).ConfigureAwait(false);
                return Admission.Refused(new PortwayError(ErrorCode.Unauthorized, outcome.Failure!));
            }

            identity = outcome.Identity;
            expires = outcome.ExpiresAt;
        }

        var admission = Check(policy, identity, tenant, ClientKey(context)) with { ExpiresAt = expires };
        if (admission.Error is { } error)
        {
            if (error.Code == ErrorCode.RateLimited)
            {
                context.Response.Headers.RetryAfter = admission.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (error.Code == ErrorCode.Forbidden && policy.Scopes.Count > 0 && !HasScopes(identity, policy))
            {
                context.Response.Headers.WWWAuthenticate = new AuthenticationHeaderValue("Bearer", $"error=\"insufficient_scope\", scope=\"{string.Join(' ', policy.Scopes)}\"").ToString();
            }
        }

        return admission;
    }

    /// <summary>Scopes, tenant and rate limit for a caller already authenticated (or anonymous where allowed).</summary>
    public Admission Check(AccessPolicy policy, CallerIdentity identity, string tenant, string client)
    {
        if (policy.AuthRequired && !identity.IsAuthenticated)
        {
            stats.Rejected("auth");
            return Admission.Refused(new PortwayError(ErrorCode.Unauthorized, "a bearer token is required"));
        }

        if (!HasScopes(identity, policy))
        {
            stats.Rejected("scope");
            return Admission.Refused(new PortwayError(ErrorCode.Forbidden, $"the token lacks the scope(s) {string.Join(", ", policy.Scopes.Except(identity.Scopes, StringComparer.Ordinal))} that {policy.Name} requires"));
        }

        if (policy.TenantFromToken)
        {
            var refusal = identity.Tenant.Length == 0 ? "the token has no tenant claim"
                : tenant.Length == 0 ? "the request names no tenant"
                : !string.Equals(tenant, identity.Tenant, StringComparison.Ordinal) ? $"tenant '{tenant}' is not the token's tenant"
                : null;
            if (refusal is not null)
            {
                stats.Rejected("tenant");
                return Admission.Refused(new PortwayError(ErrorCode.Forbidden, refusal));
            }
        }

        var lease = default(System.Threading.RateLimiting.RateLimitLease);
        if (policy.RateLimit is { } limit)
        {
            var key = limit.By switch
            {
                "subject" => "s:" + identity.Subject,
                "tenant" => "t:" + identity.Tenant,
                _ => "c:" + client,
            };
            lease = limits.Acquire(limit, key);
            if (!lease.IsAcquired)
            {
                var retryAfter = RateLimits.RetryAfterSeconds(lease);
                lease.Dispose();
                stats.Rejected("rate_limit");
                return Admission.Refused(new PortwayError(ErrorCode.RateLimited, $"rate limit of {policy.Name} reached ({limit.Permit} per {(limit.Kind == "concurrency" ? "moment" : $"{limit.WindowS} s")} by {limit.By}); retry after {retryAfter} s"), retryAfter);
            }
        }

        return new Admission(null, identity, default, lease, 0);
    }

    /// <summary>The client address a <c>by: client</c> limit counts.</summary>
    public static string ClientKey(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    string IPortwayBoundaryPolicies.ClientKey(HttpContext context) => ClientKey(context);

    public Task<AuthOutcome> ValidateTokenAsync(string? token) => auth.ValidateAsync(token);

    public bool IsExpired(DateTimeOffset expiresAt) => auth.IsExpired(expiresAt);

    public void CountRejection(string policy) => stats.Rejected(policy);

    public System.Threading.RateLimiting.RateLimiter CreateLimiter(Portway.Configuration.RateLimitConfig limit) => limits.CreateSingle(limit);

    private static bool HasScopes(CallerIdentity identity, AccessPolicy policy) =>
        policy.Scopes.Count == 0 || policy.Scopes.All(s => identity.Scopes.Contains(s, StringComparer.Ordinal));
}
