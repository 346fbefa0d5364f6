using System.Runtime.CompilerServices;
using Portway.Adapters.Http.Internal.Policies;
using Portway.Configuration;

namespace Portway.Adapters.WebSocket.Internal;

/// <summary>
/// The access policies of one websocket endpoint: the endpoint's own (messages without <c>op</c>) and one per
/// operation, each named <c>PATH op</c> so an operation's rate limit is counted for that operation alone. Built once
/// per endpoint config (a reload brings new configs; the old entries go with them).
/// </summary>
internal sealed class EndpointAccess
{
    private static readonly ConditionalWeakTable<EndpointConfig, EndpointAccess> Cache = [];

    private readonly Dictionary<string, AccessPolicy> _operations;

    private EndpointAccess(EndpointConfig endpoint)
    {
        Endpoint = AccessPolicy.For(endpoint);
        _operations = new(StringComparer.Ordinal);
        foreach (var (op, operation) in endpoint.OperationPolicies)
        {
            _operations[op] = new AccessPolicy(endpoint.Route + " " + op, operation.Auth == "required", operation.Scopes ?? [],
                operation.Tenant == "from_token", operation.RateLimit);
        }

        AnyRequiresToken = Endpoint.AuthRequired || _operations.Values.Any(p => p.AuthRequired);
    }

    /// <summary>The endpoint's policy: what its upgrade needs, and the policy of messages without an operation.</summary>
    public AccessPolicy Endpoint { get; }

    /// <summary>True when the endpoint or one of its operations needs a token.</summary>
    public bool AnyRequiresToken { get; }

    public static EndpointAccess For(EndpointConfig endpoint) => Cache.GetValue(endpoint, static e => new EndpointAccess(e));

    /// <summary>The policy of operation <paramref name="op"/> (the endpoint's for an empty or unlisted one).</summary>
    public AccessPolicy Of(string op) => op.Length > 0 && _operations.TryGetValue(op, out var policy) ? policy : Endpoint;
}
