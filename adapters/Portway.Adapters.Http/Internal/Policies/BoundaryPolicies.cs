using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Portway.Configuration;

namespace Portway.Adapters.Http.Internal.Policies;

/// <summary>
/// Applies an <see cref="AccessPolicy"/> at the boundary, before any envelope exists: authentication (401 with
/// <c>WWW-Authenticate</c>), scopes (403), the tenant binding (403) and the rate limit (429 with <c>Retry-After</c>).
/// The same checks serve HTTP requests, WebSocket upgrades and messages, and GraphQL fields.
/// </summary>
internal sealed class BoundaryPolicies(JwtAuthenticator auth, RateLimits limits, PolicyStats stats)
{
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

        var admission = await CheckAsync(policy, identity, tenant, ClientKey(context)).ConfigureAwait(false) with { ExpiresAt = expires };
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
        if (Refusal(policy, identity, tenant) is { } refused) return Admission.Refused(refused);
        if (policy.RateLimit is not { } limit) return new Admission(null, identity, default, null, 0);
        return Limited(policy, limit, identity, limits.Acquire(limit, LimitKey(policy, limit, identity, client)));
    }

    /// <summary>As <see cref="Check"/>; a rate limit in a shared store is asked without blocking.</summary>
    public ValueTask<Admission> CheckAsync(AccessPolicy policy, CallerIdentity identity, string tenant, string client)
    {
        if (Refusal(policy, identity, tenant) is { } refused) return ValueTask.FromResult(Admission.Refused(refused));
        if (policy.RateLimit is not { } limit) return ValueTask.FromResult(new Admission(null, identity, default, null, 0));
        var pending = limits.AcquireAsync(limit, LimitKey(policy, limit, identity, client));
        return pending.IsCompletedSuccessfully
            ? ValueTask.FromResult(Limited(policy, limit, identity, pending.Result))
            : AwaitLimited(policy, limit, identity, pending);
    }

    private async ValueTask<Admission> AwaitLimited(AccessPolicy policy, RateLimitConfig limit, CallerIdentity identity, ValueTask<System.Threading.RateLimiting.RateLimitLease> pending) =>
        Limited(policy, limit, identity, await pending.ConfigureAwait(false));

    /// <summary>The auth, scope and tenant refusal (counted), or null.</summary>
    private PortwayError? Refusal(AccessPolicy policy, CallerIdentity identity, string tenant)
    {
        if (policy.AuthRequired && !identity.IsAuthenticated)
        {
            stats.Rejected("auth");
            return new PortwayError(ErrorCode.Unauthorized, "a bearer token is required");
        }

        if (!HasScopes(identity, policy))
        {
            stats.Rejected("scope");
            return new PortwayError(ErrorCode.Forbidden, $"the token lacks the scope(s) {string.Join(", ", policy.Scopes.Except(identity.Scopes, StringComparer.Ordinal))} that {policy.Name} requires");
        }

        return policy.TenantFromToken ? CheckTenant(identity, tenant) : null;
    }

    /// <summary>
    /// The key a limit counts: the policy's name is part of it, so operations of one websocket endpoint share its
    /// rate_limit's limiter yet each counts its own, and a shared (Redis) store keeps every limit apart.
    /// </summary>
    private static string LimitKey(AccessPolicy policy, RateLimitConfig limit, CallerIdentity identity, string client) => limit.By switch
    {
        "subject" => string.Concat(policy.Name, "|s:", identity.Subject),
        "tenant" => string.Concat(policy.Name, "|t:", identity.Tenant),
        _ => string.Concat(policy.Name, "|c:", client),
    };

    private Admission Limited(AccessPolicy policy, RateLimitConfig limit, CallerIdentity identity, System.Threading.RateLimiting.RateLimitLease lease)
    {
        if (lease.IsAcquired) return new Admission(null, identity, default, lease, 0);
        var retryAfter = RateLimits.RetryAfterSeconds(lease);
        lease.Dispose();
        stats.Rejected("rate_limit");
        return Admission.Refused(new PortwayError(ErrorCode.RateLimited,
            $"rate limit of {policy.Name} reached ({limit.Permit} per {(limit.Kind == "concurrency" ? "moment" : $"{limit.WindowS} s")} by {limit.By}); retry after {retryAfter} s"), retryAfter);
    }

    /// <summary>The tenant binding (<c>tenant: from_token</c>): null when <paramref name="tenant"/> is the token's, else the 403 (counted).</summary>
    public PortwayError? CheckTenant(CallerIdentity identity, string tenant)
    {
        var refusal = identity.Tenant.Length == 0 ? "the token has no tenant claim"
            : tenant.Length == 0 ? "the request names no tenant"
            : !string.Equals(tenant, identity.Tenant, StringComparison.Ordinal) ? $"tenant '{tenant}' is not the token's tenant"
            : null;
        if (refusal is null) return null;
        stats.Rejected("tenant");
        return new PortwayError(ErrorCode.Forbidden, refusal);
    }

    /// <summary>The top-level <c>"tenant"</c> string of a JSON object input (a body, a message's payload); empty when there is none.</summary>
    public static string TenantOf(ReadOnlySpan<byte> json)
    {
        var reader = new System.Text.Json.Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != System.Text.Json.JsonTokenType.StartObject) return "";
            while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
            {
                var isTenant = reader.ValueTextEquals("tenant"u8);
                reader.Read();
                if (isTenant && reader.TokenType == System.Text.Json.JsonTokenType.String) return reader.GetString() ?? "";
                reader.Skip();
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return "";
    }

    /// <summary>The client address a <c>by: client</c> limit counts.</summary>
    public static string ClientKey(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static bool HasScopes(CallerIdentity identity, AccessPolicy policy) =>
        policy.Scopes.Count == 0 || policy.Scopes.All(s => identity.Scopes.Contains(s, StringComparer.Ordinal));
}
