namespace Portway.Configuration;

/// <summary>
/// <c>runtime.web.auth.jwt</c>: bearer token validation. Exactly one key source: <c>hs256_secret_file</c>,
/// <c>hs256_secret_env</c>, <c>hs256_secret_generated</c>, <c>public_key_file</c> (PEM, RS256 / ES256) or
/// <c>jwks_file</c>. A secret is never written in the file itself.
/// </summary>
public sealed class JwtConfig
{
    /// <summary><c>issuer</c> (required): the <c>iss</c> every token must carry.</summary>
    public string Issuer { get; set; } = "";

    /// <summary><c>audience</c> (required): the <c>aud</c> every token must carry.</summary>
    public string Audience { get; set; } = "";

    /// <summary><c>hs256_secret_file</c>: a file holding the HS256 secret (at least 32 bytes).</summary>
    public string? Hs256SecretFile { get; set; }

    /// <summary><c>hs256_secret_env</c>: the environment variable holding the HS256 secret (at least 32 bytes).</summary>
    public string? Hs256SecretEnv { get; set; }

    /// <summary><c>hs256_secret_generated</c>: a random HS256 secret made at startup (tokens from this process's token endpoint only; a restart invalidates them). Defaults to false.</summary>
    public bool Hs256SecretGenerated { get; set; }

    /// <summary><c>public_key_file</c>: a PEM public key (RSA: RS256, EC P-256: ES256).</summary>
    public string? PublicKeyFile { get; set; }

    /// <summary><c>jwks_file</c>: a local JSON Web Key Set file (RS256 / ES256 keys, matched by <c>kid</c>).</summary>
    public string? JwksFile { get; set; }

    /// <summary><c>clock_skew_seconds</c>: tolerance on <c>exp</c> and <c>nbf</c>. Defaults to 30.</summary>
    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary><c>tenant_claim</c>: the claim naming the caller's tenant. Defaults to <c>tenant</c>.</summary>
    public string TenantClaim { get; set; } = "tenant";

    /// <summary><c>scope_claim</c>: the claim holding scopes (space separated, or an array). Defaults to <c>scope</c>.</summary>
    public string ScopeClaim { get; set; } = "scope";

    /// <summary><c>token_lifetime_s</c>: lifetime of tokens issued by the <c>auth.token</c> node. Defaults to 900.</summary>
    public int TokenLifetimeS { get; set; } = 900;

    /// <summary>The key source written, for messages and the contract summary.</summary>
    public string KeySource =>
        Hs256SecretFile is not null ? $"hs256_secret_file {Hs256SecretFile}"
        : Hs256SecretEnv is not null ? $"hs256_secret_env {Hs256SecretEnv}"
        : Hs256SecretGenerated ? "hs256_secret_generated"
        : PublicKeyFile is not null ? $"public_key_file {PublicKeyFile}"
        : JwksFile is not null ? $"jwks_file {JwksFile}"
        : "(none)";
}
