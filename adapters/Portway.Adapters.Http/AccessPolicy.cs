using Portway.Configuration;

namespace Portway.Adapters.Http;

/// <summary>The access rules of one endpoint, WebSocket endpoint or GraphQL field, as config normalized them.</summary>
public sealed record AccessPolicy(string Name, bool AuthRequired, IReadOnlyList<string> Scopes, bool TenantFromToken, RateLimitConfig? RateLimit)
{
    /// <summary>True when nothing is checked: no auth, scopes, tenant binding or rate limit (every caller is let in anonymously).</summary>
    public bool IsOpen => !AuthRequired && Scopes.Count == 0 && !TenantFromToken && RateLimit is null;

    /// <summary>The policy of an http or websocket endpoint (<c>auth</c>, <c>scopes</c>, <c>tenant</c>, <c>rate_limit</c>).</summary>
    public static AccessPolicy For(EndpointConfig endpoint) =>
        new(endpoint.Route, endpoint.Auth == "required", endpoint.Scopes, endpoint.Tenant == "from_token", endpoint.RateLimit);

    /// <summary>
    /// The top-level <c>"tenant"</c> string of a JSON object input (a body, a message's payload), which a
    /// <c>tenant: from_token</c> policy compares with the token's tenant; empty when there is none.
    /// </summary>
    public static string TenantOf(ReadOnlySpan<byte> json) => Internal.Policies.BoundaryPolicies.TenantOf(json);

    /// <summary>The policy of a GraphQL field named <paramref name="name"/>.</summary>
    public static AccessPolicy For(string name, GraphQLFieldConfig field) =>
        new(name, field.Auth == "required", field.Scopes, field.Tenant == "from_token", field.RateLimit);
}
