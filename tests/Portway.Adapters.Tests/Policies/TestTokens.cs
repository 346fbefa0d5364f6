using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Portway.Adapters.Tests.Policies;

/// <summary>Makes bearer tokens for the policy tests: good ones and each kind of bad one.</summary>
internal static class TestTokens
{
    public const string Issuer = "https://id.test";
    public const string Audience = "portway-test";
    public const string Secret = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

    public static string Hs256(string subject = "alice", string? tenant = "acme", string? scope = null, string issuer = Issuer, string audience = Audience,
        DateTimeOffset? expires = null, DateTimeOffset? notBefore = null, string secret = Secret) =>
        Create(new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
            subject, tenant, scope, issuer, audience, expires, notBefore);

    public static string Signed(SecurityKey key, string algorithm, string subject = "alice", string? tenant = "acme") =>
        Create(new SigningCredentials(key, algorithm), subject, tenant, null, Issuer, Audience, null, null);

    /// <summary>An unsigned token (<c>alg: none</c>) with valid claims.</summary>
    public static string AlgNone(string subject = "alice", string tenant = "acme")
    {
        var exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds();
        var header = B64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        var payload = B64($"{{\"sub\":\"{subject}\",\"tenant\":\"{tenant}\",\"iss\":\"{Issuer}\",\"aud\":\"{Audience}\",\"exp\":{exp}}}");
        return $"{header}.{payload}.";
    }

    /// <summary>HS256 "signed" with the bytes of an RSA public key PEM: the algorithm-confusion attack.</summary>
    public static string ConfusedHs256(string publicPem) => Hs256(secret: publicPem);

    private static string Create(SigningCredentials credentials, string subject, string? tenant, string? scope, string issuer, string audience, DateTimeOffset? expires, DateTimeOffset? notBefore)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (tenant is not null) claims["tenant"] = tenant;
        if (scope is not null) claims["scope"] = scope;
        var exp = expires ?? now.AddMinutes(5);
        var nbf = notBefore ?? (exp < now ? exp.AddMinutes(-10) : now.AddMinutes(-1));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = nbf.UtcDateTime,
            NotBefore = nbf.UtcDateTime,
            Expires = exp.UtcDateTime,
            SigningCredentials = credentials,
        });
    }

    private static string B64(string json) => Base64UrlEncoder.Encode(json);

    public static string PublicPem(RSA rsa) => rsa.ExportSubjectPublicKeyInfoPem();

    public static string PublicPem(ECDsa ec) => ec.ExportSubjectPublicKeyInfoPem();
}
