using Portway.Configuration;

namespace Portway.Internal.Configuration;

/// <summary>The effective values of policy keys a config may leave out.</summary>
internal static class PolicyDefaults
{
    /// <summary>An endpoint's own <c>auth</c>, else its interface's, else <c>required</c> when <c>jwt</c> is set, else <c>none</c>.</summary>
    public static string Auth(string own, InterfaceConfig iface, WebConfig web) =>
        own.Length > 0 ? own : iface.Auth.Length > 0 ? iface.Auth : web.Auth.Jwt is null ? "none" : "required";

    /// <summary>
    /// Gives every operation of a websocket endpoint its effective policy: the keys it wrote, the endpoint's for the
    /// others (an operation written as a plain pipeline name takes all of the endpoint's; one with <c>auth: none</c> no
    /// scopes and no tenant binding, which need a token).
    /// </summary>
    public static void FillOperations(EndpointConfig endpoint)
    {
        foreach (var (op, pipeline) in endpoint.Operations)
        {
            if (!endpoint.OperationPolicies.TryGetValue(op, out var operation))
            {
                operation = new WebSocketOperationConfig { Pipeline = pipeline };
                endpoint.OperationPolicies[op] = operation;
            }

            if (operation.Auth.Length == 0) operation.Auth = endpoint.Auth;
            var token = operation.Auth == "required";
            operation.Scopes ??= token ? [.. endpoint.Scopes] : [];
            operation.Tenant ??= token ? endpoint.Tenant : "";
            operation.RateLimit ??= endpoint.RateLimit;
        }
    }
}
