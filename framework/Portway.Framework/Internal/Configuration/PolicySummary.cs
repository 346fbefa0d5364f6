using System.Globalization;
using System.Text.Json.Nodes;
using Portway.Configuration;

namespace Portway.Internal.Configuration;

/// <summary>The effective boundary policy of each endpoint and field, as a line of text and as JSON, for the contract summary.</summary>
internal static class PolicySummary
{
    public static string Jwt(JwtConfig? jwt) => jwt is null
        ? "none"
        : $"jwt issuer={jwt.Issuer}, audience={jwt.Audience}, key={jwt.KeySource}, clock_skew_seconds={Num(jwt.ClockSkewSeconds)}, tenant_claim={jwt.TenantClaim}, scope_claim={jwt.ScopeClaim}, token_lifetime_s={Num(jwt.TokenLifetimeS)}";

    /// <summary>
    /// Whether the cache clear endpoint is served: enabled, with <c>jwt</c> (the clear needs a token) and an endpoint
    /// with <c>cache</c> (as the http adapter maps it).
    /// </summary>
    public static bool CacheClearServed(WebConfig web) =>
        web.CacheClear.Enabled && web.Auth.Jwt is not null && web.Interfaces.Any(i => i.Endpoints.Any(e => e.Cache is not null));

    public static string CacheClear(WebConfig web) =>
        !web.CacheClear.Enabled ? $"disabled (path {web.CacheClear.Path})"
        : CacheClearServed(web) ? $"POST {web.CacheClear.Path} (a token clears its tenant's entries; every tenant's needs scope {web.CacheClear.Scope})"
        : $"not served (path {web.CacheClear.Path}: {(web.Auth.Jwt is null ? "no runtime.web.auth.jwt to check its token" : "no endpoint has cache")})";

    public static string Cors(CorsConfig? cors) => cors is null
        ? "none"
        : $"origins=[{string.Join(", ", cors.Origins)}], methods=[{(cors.Methods.Count == 0 ? "any" : string.Join(", ", cors.Methods))}], headers=[{string.Join(", ", Headers(cors))}], credentials={(cors.Credentials ? "true" : "false")}, max_age_s={Num(cors.MaxAgeS)}";

    public static IReadOnlyList<string> Headers(CorsConfig cors) => cors.EffectiveHeaders;

    public static string Line(string auth, IReadOnlyList<string> scopes, string tenant, RateLimitConfig? limit, CacheConfig? cache = null, RateLimitConfig? messageRate = null)
    {
        var parts = new List<string> { $"auth={auth}" };
        if (scopes.Count > 0) parts.Add($"scopes=[{string.Join(", ", scopes)}]");
        if (tenant.Length > 0) parts.Add($"tenant={tenant}");
        parts.Add($"rate_limit={Limit(limit, perSocket: false)}");
        if (messageRate is not null) parts.Add($"message_rate={Limit(messageRate, perSocket: true)}");
        if (cache is not null) parts.Add($"cache=ttl_s {Num(cache.TtlS)}{(cache.Shared ? " shared" : "")}");
        return "policy " + string.Join(", ", parts);
    }

    public static string Limit(RateLimitConfig? limit, bool perSocket) => limit switch
    {
        null => "none",
        { Kind: "concurrency" } => $"concurrency {Num(limit.Permit)} at once by {limit.By}",
        { Kind: "token_bucket" } => $"token_bucket {Num(limit.Permit)} (+{Num(Tokens(limit))}/{Num(limit.WindowS)}s) by {(perSocket ? "socket" : limit.By)}",
        { Kind: "sliding" } => $"sliding {Num(limit.Permit)}/{Num(limit.WindowS)}s ({Num(limit.Segments)} segments) by {(perSocket ? "socket" : limit.By)}",
        _ => $"fixed {Num(limit.Permit)}/{Num(limit.WindowS)}s by {(perSocket ? "socket" : limit.By)}",
    };

    public static int Tokens(RateLimitConfig limit) => limit.EffectiveTokensPerPeriod;

    public static JsonObject Json(string auth, IReadOnlyList<string> scopes, string tenant, RateLimitConfig? limit, CacheConfig? cache = null, RateLimitConfig? messageRate = null, bool webSocket = false)
    {
        var obj = new JsonObject
        {
            ["auth"] = auth,
            ["scopes"] = new JsonArray([.. scopes.Select(s => (JsonNode)JsonValue.Create(s))]),
            ["tenant"] = tenant.Length == 0 ? null : tenant,
            ["rate_limit"] = LimitJson(limit),
        };
        if (webSocket) obj["message_rate"] = LimitJson(messageRate);
        else obj["cache"] = cache is null ? null : new JsonObject { ["ttl_s"] = cache.TtlS, ["shared"] = cache.Shared };
        return obj;
    }

    public static JsonNode? JwtJson(JwtConfig? jwt) => jwt is null ? null : new JsonObject
    {
        ["issuer"] = jwt.Issuer,
        ["audience"] = jwt.Audience,
        ["key"] = jwt.KeySource,
        ["clock_skew_seconds"] = jwt.ClockSkewSeconds,
        ["tenant_claim"] = jwt.TenantClaim,
        ["scope_claim"] = jwt.ScopeClaim,
        ["token_lifetime_s"] = jwt.TokenLifetimeS,
    };

    public static JsonNode? CorsJson(CorsConfig? cors) => cors is null ? null : new JsonObject
    {
        ["origins"] = new JsonArray([.. cors.Origins.Select(s => (JsonNode)JsonValue.Create(s))]),
        ["methods"] = new JsonArray([.. cors.Methods.Select(s => (JsonNode)JsonValue.Create(s))]),
        ["headers"] = new JsonArray([.. Headers(cors).Select(s => (JsonNode)JsonValue.Create(s))]),
        ["credentials"] = cors.Credentials,
        ["max_age_s"] = cors.MaxAgeS,
    };

    private static JsonNode? LimitJson(RateLimitConfig? limit) => limit is null ? null : new JsonObject
    {
        ["kind"] = limit.Kind,
        ["permit"] = limit.Permit,
        ["window_s"] = limit.Kind == "concurrency" ? null : limit.WindowS,
        ["segments"] = limit.Kind == "sliding" ? limit.Segments : null,
        ["tokens_per_period"] = limit.Kind == "token_bucket" ? Tokens(limit) : null,
        ["by"] = limit.By,
    };

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);
}
