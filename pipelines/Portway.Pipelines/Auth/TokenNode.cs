using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Portway.Configuration;
using Portway.Nodes;

namespace Portway.Pipelines.Auth;

/// <summary>
/// <c>auth.token</c>: exchanges an API key for a short-lived bearer token. <c>{"api_key"}</c> answers
/// <c>{"access_token","token_type":"Bearer","expires_in"}</c>, or <c>unauthorized</c> for an unknown key.
/// The keys are the stage's own <c>with: { api_keys: { "sha256:HEX": { subject, tenant, scopes } } }</c> in the
/// config (read from the config, never from the request, whose keys win over <c>with</c> in the input), keyed by the
/// SHA-256 of the key, so the file holds no key itself. Tokens come from the runtime's <see cref="ITokenIssuer"/>
/// (HS256 keys of <c>runtime.web.auth.jwt</c>).
/// </summary>
[PortwayNode("auth.token")]
internal sealed class TokenNode(PortwayConfig config, ITokenIssuer issuer) : Node<TokenNode.Input, TokenNode.Output>
{
    protected override ValueTask<NodeOutcome<Output>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken)
    {
        if (!issuer.CanIssue)
        {
            return ValueTask.FromResult<NodeOutcome<Output>>(new PortwayError(ErrorCode.Unavailable, "no token issuer: runtime.web.auth.jwt needs an HS256 key"));
        }

        if (string.IsNullOrEmpty(input.ApiKey))
        {
            return ValueTask.FromResult<NodeOutcome<Output>>(new PortwayError(ErrorCode.ValidationFailed, "'api_key' is required"));
        }

        var hash = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(input.ApiKey)));
        if (KeysOf(context)?[hash] is not JsonObject grant || grant["subject"]?.GetValue<string>() is not { Length: > 0 } subject)
        {
            return ValueTask.FromResult<NodeOutcome<Output>>(new PortwayError(ErrorCode.Unauthorized, "unknown API key"));
        }

        var identity = new CallerIdentity
        {
            Subject = subject,
            Tenant = grant["tenant"]?.GetValue<string>() ?? "",
            Scopes = grant["scopes"] is JsonArray scopes ? [.. scopes.Select(s => s?.GetValue<string>() ?? "").Where(s => s.Length > 0)] : [],
        };
        var (token, _) = issuer.Issue(identity);
        return ValueTask.FromResult<NodeOutcome<Output>>(new Output(token, "Bearer", config.Runtime.Web.Auth.Jwt?.TokenLifetimeS ?? 0));
    }

    /// <summary>The <c>api_keys</c> of this stage's <c>with</c>, from the config itself.</summary>
    private JsonObject? KeysOf(NodeContext context) =>
        config.Pipelines.TryGetValue(context.Pipeline, out var pipeline)
            ? pipeline.Stages.FirstOrDefault(s => s.Name == context.Stage)?.With?["api_keys"] as JsonObject
            : null;

    internal sealed record Input(string? ApiKey);

    internal sealed record Output(string AccessToken, string TokenType, int ExpiresIn);
}
