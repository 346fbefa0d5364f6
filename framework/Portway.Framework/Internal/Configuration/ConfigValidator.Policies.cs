using System.Security.Cryptography;
using System.Text.Json;
using Portway.Configuration;

namespace Portway.Internal.Configuration;

/// <summary>
/// The boundary policies accept only what runs: one key source that exists, <c>auth: required</c> only with
/// <c>jwt</c>, <c>tenant: from_token</c> only with a token, limiter keys only for their kind.
/// </summary>
internal sealed partial class ConfigValidator
{
    private void ValidatePolicies(PortwayConfig config)
    {
        var web = config.Runtime.Web;
        if (web.Auth.Jwt is { } jwt) ValidateJwt(web.Auth, jwt);

        // cache_clear written (and enabled) where nothing would serve it: no token to check, or nothing cached.
        if (_map.Has(web, "cache_clear") && web.CacheClear.Enabled && !PolicySummary.CacheClearServed(web))
        {
            _diagnostics.Report(_map.At(web, "cache_clear"), web.Auth.Jwt is null
                ? "cache_clear: the clear needs a bearer token, but runtime.web.auth.jwt is not set (set it, or cache_clear: { enabled: false })"
                : "cache_clear: no endpoint has cache, so there is nothing to clear (add cache to an endpoint, or remove cache_clear)");
        }
        foreach (var iface in web.Interfaces)
        {
            if (iface.Auth == "required" && web.Auth.Jwt is null)
            {
                _diagnostics.Report(_map.At(iface, "auth"), "auth: required needs runtime.web.auth.jwt (how tokens are checked)");
            }

            if (iface.Cors is { } cors) ValidateCors(cors);
            foreach (var endpoint in iface.Endpoints)
            {
                var what = $"endpoint '{endpoint.Route}'";
                var auth = PolicyDefaults.Auth(endpoint.Auth, iface, web);
                ValidateAccess(endpoint, what, endpoint.Auth, auth, endpoint.Scopes, endpoint.Tenant, endpoint.RateLimit, web);
                foreach (var (op, operation) in endpoint.OperationPolicies)
                {
                    var opAuth = operation.Auth.Length > 0 ? operation.Auth : auth;
                    var inherit = opAuth == "required";
                    ValidateAccess(operation, $"operation '{op}' of {what}", operation.Auth, opAuth, operation.Scopes ?? (inherit ? endpoint.Scopes : []),
                        operation.Tenant ?? (inherit ? endpoint.Tenant : ""), operation.RateLimit, web);
                }

                if (endpoint.MessageRate is { } rate) ValidateRateLimit(rate, $"message_rate of {what}", auth, bySocket: true);
                if (endpoint.Cache is not null && config.Pipelines.TryGetValue(endpoint.Pipeline, out var pipeline)
                    && pipeline.Stages.Any(s => _streamNodes.Contains(s.Node)))
                {
                    _diagnostics.Report(_map.At(endpoint, "cache"), $"cache on {what}: '{endpoint.Pipeline}' is a stream pipeline; only one-answer pipelines are cached");
                }
            }

            foreach (var (operation, fields) in new[] { ("query", iface.Query), ("mutation", iface.Mutation), ("subscription", iface.Subscription) })
            {
                foreach (var (name, field) in fields)
                {
                    var what = $"{operation} field '{name}'";
                    ValidateAccess(field, what, field.Auth, PolicyDefaults.Auth(field.Auth, iface, web), field.Scopes, field.Tenant, field.RateLimit, web);
                    if (field.Tenant.Length > 0 && !field.Args.ContainsKey("tenant"))
                    {
                        _diagnostics.Report(_map.At(field, "tenant"), $"tenant: from_token on {what}: the field has no 'tenant' argument to bind");
                    }
                }
            }
        }
    }

    private void ValidateAccess(object owner, string what, string written, string auth, List<string> scopes, string tenant, RateLimitConfig? limit, WebConfig web)
    {
        if (written == "required" && web.Auth.Jwt is null)
        {
            _diagnostics.Report(_map.At(owner, "auth"), $"auth: required on {what} needs runtime.web.auth.jwt (how tokens are checked)");
        }

        if (auth != "required")
        {
            if (scopes.Count > 0) _diagnostics.Report(_map.At(owner, "scopes"), $"scopes on {what} need auth: required (there is no token to read them from)");
            if (tenant.Length > 0) _diagnostics.Report(_map.At(owner, "tenant"), $"tenant: from_token on {what} needs auth: required (there is no token to bind to)");
        }

        if (limit is not null) ValidateRateLimit(limit, $"rate_limit of {what}", auth, bySocket: false);
    }

    private void ValidateRateLimit(RateLimitConfig limit, string what, string auth, bool bySocket)
    {
        var concurrency = limit.Kind == "concurrency";
        if (concurrency && _map.Has(limit, "window_s")) _diagnostics.Report(_map.At(limit, "window_s"), $"window_s in {what}: a concurrency limit has no window");
        if (limit.Kind != "sliding" && _map.Has(limit, "segments")) _diagnostics.Report(_map.At(limit, "segments"), $"segments in {what}: only for kind: sliding");
        if (limit.Kind != "token_bucket" && _map.Has(limit, "tokens_per_period")) _diagnostics.Report(_map.At(limit, "tokens_per_period"), $"tokens_per_period in {what}: only for kind: token_bucket");
        if (bySocket && concurrency) _diagnostics.Report(_map.At(limit, "kind"), $"kind in {what}: a message rate is fixed, sliding or token_bucket (max_in_flight caps concurrency)");
        if (bySocket && _map.Has(limit, "by")) _diagnostics.Report(_map.At(limit, "by"), $"by in {what}: a message rate is counted per socket");
        if (limit.By is "subject" or "tenant" && auth != "required" && !bySocket)
        {
            _diagnostics.Report(_map.At(limit, "by"), $"by: {limit.By} in {what} needs auth: required (an anonymous caller has no {limit.By})");
        }
    }

    private void ValidateJwt(AuthConfig auth, JwtConfig jwt)
    {
        var sources = new[] { "hs256_secret_file", "hs256_secret_env", "hs256_secret_generated", "public_key_file", "jwks_file" }
            .Where(k => _map.Has(jwt, k) && !(k == "hs256_secret_generated" && !jwt.Hs256SecretGenerated))
            .ToArray();
        if (sources.Length == 0)
        {
            _diagnostics.Report(_map.At(jwt), "jwt: needs one key source: hs256_secret_file, hs256_secret_env, hs256_secret_generated, public_key_file or jwks_file");
        }
        else if (sources.Length > 1)
        {
            _diagnostics.Report(_map.At(jwt, sources[1]), $"jwt: one key source only, got {string.Join(" and ", sources)}");
        }

        if (jwt.Hs256SecretFile is { } secretFile && Readable(jwt, "hs256_secret_file", secretFile) is { } secret && secret.Trim().Length < 32)
        {
            _diagnostics.Report(_map.At(jwt, "hs256_secret_file"), $"hs256_secret_file: '{secretFile}' holds fewer than 32 characters (HS256 needs a 256-bit secret)");
        }

        if (jwt.Hs256SecretEnv is { } env)
        {
            var value = Environment.GetEnvironmentVariable(env);
            if (string.IsNullOrEmpty(value)) _diagnostics.Report(_map.At(jwt, "hs256_secret_env"), $"hs256_secret_env: the environment variable '{env}' is not set");
            else if (value.Length < 32) _diagnostics.Report(_map.At(jwt, "hs256_secret_env"), $"hs256_secret_env: '{env}' holds fewer than 32 characters (HS256 needs a 256-bit secret)");
        }

        if (jwt.PublicKeyFile is { } keyFile && Readable(jwt, "public_key_file", keyFile) is { } pem && !IsPublicKeyPem(pem))
        {
            _diagnostics.Report(_map.At(jwt, "public_key_file"), $"public_key_file: '{keyFile}' is not a PEM RSA or EC public key");
        }

        if (jwt.JwksFile is { } jwksFile && Readable(jwt, "jwks_file", jwksFile) is { } jwks && !IsJwks(jwks))
        {
            _diagnostics.Report(_map.At(jwt, "jwks_file"), $"jwks_file: '{jwksFile}' is not a JSON Web Key Set with an RS256 or ES256 key (an object whose \"keys\" list holds a key with kty RSA, n and e, or kty EC, crv, x and y)");
        }

        if (jwt.TenantClaim.Trim().Length == 0) _diagnostics.Report(_map.At(jwt, "tenant_claim"), "tenant_claim: must not be empty");

    }

    private string? Readable(object owner, string key, string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            _diagnostics.Report(_map.At(owner, key), $"{key}: cannot read '{path}' ({(ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.GetType().Name)})");
            return null;
        }
    }

    private static bool IsPublicKeyPem(string pem)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
        }

        try
        {
            using var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            return false;
        }
    }

    private static bool IsJwks(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            // Only RS256 / ES256 keys are accepted (JwtKeys), so a set without one would refuse every token.
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("keys", out var keys)
                && keys.ValueKind == JsonValueKind.Array
                && keys.EnumerateArray().Any(IsPublicJwk);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsPublicJwk(JsonElement key)
    {
        if (key.ValueKind != JsonValueKind.Object || !key.TryGetProperty("kty", out var kty)) return false;
        bool Has(string name) => key.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0;
        return kty.ValueKind == JsonValueKind.String && kty.GetString() switch
        {
            "RSA" => Has("n") && Has("e"),
            "EC" => Has("crv") && Has("x") && Has("y"),
            _ => false,
        };
    }

    private void ValidateCors(CorsConfig cors)
    {
        for (var i = 0; i < cors.Origins.Count; i++)
        {
            var origin = cors.Origins[i];
            var ok = origin == "*" || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/"
                && !origin.EndsWith('/') && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0);
            if (!ok) _diagnostics.Report(_map.At(cors, $"origins[{i}]"), $"cors.origins: expected '*' or an origin such as https://app.example (scheme, host, optional port, nothing after), got '{origin}'");
            if (origin == "*" && cors.Credentials) _diagnostics.Report(_map.At(cors, "credentials"), "cors: credentials: true cannot go with the origin '*' (browsers refuse it); list the origins");
        }

        if (cors.Origins.Count == 0 && _map.Has(cors, "origins")) _diagnostics.Report(_map.At(cors, "origins"), "cors.origins: must not be empty");
        foreach (var method in cors.Methods.Where(m => !ConfigSchema.HttpMethods.Contains(m, StringComparer.Ordinal) && m != "OPTIONS" && m != "HEAD"))
        {
            _diagnostics.Report(_map.At(cors, "methods"), $"cors.methods: '{method}' is not one of {string.Join(", ", ConfigSchema.HttpMethods)}");
        }
    }

}
