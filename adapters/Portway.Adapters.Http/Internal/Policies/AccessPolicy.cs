using Portway.Configuration;

namespace Portway.Adapters.Http.Internal.Policies;

/// <summary>The access rules of one endpoint, WebSocket endpoint or GraphQL field, as config normalized them.</summary>
internal sealed record AccessPolicy(string Name, bool AuthRequired, IReadOnlyList<string> Scopes, bool TenantFromToken, RateLimitConfig? RateLimit)
{
    /// <summary>True when nothing is checked: no auth, scopes, tenant binding or rate limit (every caller is let in anonymously).</summary>
    public bool IsOpen => !AuthRequired && Scopes.Count == 0 && !TenantFromToken && RateLimit is null;

    public static AccessPolicy For(EndpointConfig endpoint) =>
        new(endpoint.Route, endpoint.Auth == "required", endpoint.Scopes, endpoint.Tenant == "from_token", endpoint.RateLimit);

    public static AccessPolicy For(string name, GraphQLFieldConfig field) =>
        new(name, field.Auth == "required", field.Scopes, field.Tenant == "from_token", field.RateLimit);
}
