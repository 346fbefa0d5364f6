using Portway.Adapters.Http;
using Portway.Configuration;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>
/// Who is calling a GraphQL request or connection (authenticated from the HTTP request's bearer token, or the
/// <c>connection_init</c> payload), and the per-field check: the field's scopes, its tenant argument bound to the
/// token's tenant, its rate limit, and the token still being valid (a connection outlives its token). Once the token
/// has expired, a field that needs one is <c>unauthorized</c> and a field that does not runs as an anonymous caller:
/// no node sees an identity whose token is no longer valid.
/// </summary>
internal sealed class GraphQLAccess(IPortwayBoundaryPolicies? policies, CallerIdentity identity, DateTimeOffset expiresAt, string client)
{
    public static GraphQLAccess Anonymous { get; } = new(null, CallerIdentity.Anonymous, default, "");

    /// <summary>The caller as nodes see it: anonymous once the token has expired.</summary>
    public CallerIdentity Identity => Expired ? CallerIdentity.Anonymous : identity;

    /// <summary>Whether the caller's token has expired (a connection outlives it).</summary>
    private bool Expired => identity.IsAuthenticated && policies is not null && policies.IsExpired(expiresAt);

    public Admission Admit(AccessPolicy policy, string tenant)
    {
        if (policies is null)
        {
            return policy.AuthRequired || policy.TenantFromToken || policy.Scopes.Count > 0 || policy.RateLimit is not null
                ? throw new InvalidOperationException("a field with policies ran without the policy service")
                : default;
        }

        if (policy.AuthRequired && Expired)
        {
            policies.CountRejection("auth");
            return Admission.Refused(new PortwayError(ErrorCode.Unauthorized, "the token has expired; connect again with a new one"));
        }

        return policies.Check(policy, Identity, tenant, client);
    }

    /// <summary>As <see cref="Admit"/>; a rate limit in a shared store (Redis) is asked without blocking.</summary>
    public ValueTask<Admission> AdmitAsync(AccessPolicy policy, string tenant) =>
        policies is not null && !(policy.AuthRequired && Expired)
            ? policies.CheckAsync(policy, Identity, tenant, client)
            : ValueTask.FromResult(Admit(policy, tenant));

    /// <summary>True when every field of the interface needs a token: a request without one is refused whole (401).</summary>
    public static bool EveryFieldRequiresAuth(InterfaceConfig iface) =>
        iface.Query.Values.Concat(iface.Mutation.Values).Concat(iface.Subscription.Values).All(f => f.Auth == "required");

    /// <summary>The token of a <c>connection_init</c> payload: <c>authorization</c> ("Bearer x"), <c>access_token</c> or <c>token</c>.</summary>
    public static string? TokenOf(System.Text.Json.JsonElement payload)
    {
        if (payload.ValueKind != System.Text.Json.JsonValueKind.Object) return null;
        foreach (var name in (string[])["authorization", "Authorization", "access_token", "token"])
        {
            if (payload.TryGetProperty(name, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String)
            {
                var text = value.GetString()!;
                return text.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? text[7..].Trim() : text;
            }
        }

        return null;
    }
}
