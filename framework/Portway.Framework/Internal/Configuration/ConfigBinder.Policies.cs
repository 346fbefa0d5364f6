using Portway.Configuration;
using YamlDotNet.RepresentationModel;

namespace Portway.Internal.Configuration;

/// <summary>The boundary policy keys: <c>runtime.web.auth</c>, and <c>auth</c>, <c>scopes</c>, <c>tenant</c>, <c>rate_limit</c>, <c>cache</c>, <c>cors</c>.</summary>
internal sealed partial class ConfigBinder
{
    private void BindAuth(YamlNode node, AuthConfig auth)
    {
        var reader = Reader(AsMapping(node, "auth"), node.Start, "runtime.web.auth", ConfigSchema.WebAuth, auth);
        if (!reader.TryGet("jwt", out var jwtNode)) return;
        var jwt = new JwtConfig();
        var j = Reader(AsMapping(jwtNode, "jwt"), jwtNode.Start, "runtime.web.auth.jwt", ConfigSchema.Jwt, jwt);
        j.String("issuer", v => jwt.Issuer = v, required: true);
        j.String("audience", v => jwt.Audience = v, required: true);
        j.String("hs256_secret_file", v => jwt.Hs256SecretFile = v);
        j.String("hs256_secret_env", v => jwt.Hs256SecretEnv = v);
        j.Bool("hs256_secret_generated", v => jwt.Hs256SecretGenerated = v);
        j.String("public_key_file", v => jwt.PublicKeyFile = v);
        j.String("jwks_file", v => jwt.JwksFile = v);
        j.Int("clock_skew_seconds", v => jwt.ClockSkewSeconds = v, min: 0, max: 3600);
        j.String("tenant_claim", v => jwt.TenantClaim = v);
        j.String("scope_claim", v => jwt.ScopeClaim = v);
        j.Int("token_lifetime_s", v => jwt.TokenLifetimeS = v, max: 86_400);
        foreach (var inline in ConfigSchema.InlineSecretKeys)
        {
            if (j.TryGet(inline, out var at))
            {
                _diagnostics.Report(at.Start, $"{inline}: a secret is never written in the config; use hs256_secret_file (a file) or hs256_secret_env (an environment variable)");
            }
        }

        auth.Jwt = jwt;
    }

    /// <summary><c>auth</c>, <c>scopes</c>, <c>tenant</c> and <c>rate_limit</c> of an endpoint or a GraphQL field.</summary>
    private void BindAccess(MappingReader reader, Action<string> auth, List<string> scopes, Action<string> tenant, Action<RateLimitConfig> rateLimit, object owner)
    {
        reader.Enum("auth", ConfigSchema.AuthRequirements, auth);
        if (reader.StringList("scopes", owner) is { } list) scopes.AddRange(list);
        reader.Enum("tenant", ConfigSchema.TenantBindings, tenant);
        if (reader.TryGet("rate_limit", out var limit) && BindRateLimit(limit, "rate_limit") is { } config) rateLimit(config);
    }

    /// <summary>An operation written as a mapping: <c>{ pipeline, auth, scopes, tenant, rate_limit }</c>.</summary>
    private void BindOperation(YamlMappingNode node, string op, EndpointConfig endpoint)
    {
        var operation = new WebSocketOperationConfig();
        _map.Record(endpoint.Operations, op, node.Start);
        var reader = Reader(node, node.Start, $"operation '{op}'", ConfigSchema.WebSocketOperation, operation);
        reader.String("pipeline", v =>
        {
            operation.Pipeline = v;
            endpoint.Operations[op] = v;
        }, required: true);
        reader.Enum("auth", ConfigSchema.AuthRequirements, v => operation.Auth = v);
        if (reader.StringList("scopes", operation) is { } list) operation.Scopes = list;
        reader.Enum("tenant", ConfigSchema.TenantBindings, v => operation.Tenant = v);
        if (reader.TryGet("rate_limit", out var limit) && BindRateLimit(limit, "rate_limit") is { } config) operation.RateLimit = config;
        endpoint.OperationPolicies[op] = operation;
    }

    private RateLimitConfig? BindRateLimit(YamlNode node, string name)
    {
        var limit = new RateLimitConfig();
        if (AsMapping(node, name) is not { } mapping) return null;
        var reader = Reader(mapping, node.Start, name, ConfigSchema.RateLimit, limit);
        reader.Enum("kind", ConfigSchema.RateLimitKinds, v => limit.Kind = v);
        reader.Int("permit", v => limit.Permit = v, max: 1_000_000);
        reader.Require("permit");
        reader.Int("window_s", v => limit.WindowS = v, max: 86_400);
        reader.Int("segments", v => limit.Segments = v, max: 1000);
        reader.Int("tokens_per_period", v => limit.TokensPerPeriod = v, max: 1_000_000);
        reader.Enum("by", ConfigSchema.RateLimitKeys, v => limit.By = v);
        return limit;
    }

    private void BindCache(YamlNode node, EndpointConfig endpoint)
    {
        if (AsMapping(node, "cache") is not { } mapping) return;
        var cache = new CacheConfig();
        var reader = Reader(mapping, node.Start, "cache", ConfigSchema.Cache, cache);
        reader.Int("ttl_s", v => cache.TtlS = v, max: 86_400);
        reader.Require("ttl_s");
        reader.Bool("shared", v => cache.Shared = v);
        endpoint.Cache = cache;
    }

    private void BindCors(YamlNode node, InterfaceConfig iface)
    {
        if (AsMapping(node, "cors") is not { } mapping) return;
        var cors = new CorsConfig();
        var reader = Reader(mapping, node.Start, "cors", ConfigSchema.Cors, cors);
        if (reader.StringList("origins") is { } origins) cors.Origins = [.. origins.Select(o => o.ToLowerInvariant())];
        if (reader.StringList("methods") is { } methods) cors.Methods = [.. methods.Select(m => m.ToUpperInvariant())];
        if (reader.StringList("headers") is { } headers) cors.Headers = headers;
        reader.Bool("credentials", v => cors.Credentials = v);
        reader.Int("max_age_s", v => cors.MaxAgeS = v, min: 0, max: 86_400);
        iface.Cors = cors;
        iface.CorsOrigins = [.. cors.Origins];
    }
}
