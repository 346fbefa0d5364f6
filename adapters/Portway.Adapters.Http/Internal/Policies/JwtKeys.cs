using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using Portway.Configuration;

namespace Portway.Adapters.Http.Internal.Policies;

/// <summary>
/// The validation keys and accepted algorithms of <c>runtime.web.auth.jwt</c>: HS256 with a secret, RS256 or ES256
/// with a PEM public key, or the RS256 / ES256 keys of a local JWKS file. Only the algorithms of the configured key
/// kind are accepted, so <c>alg: none</c> and HS/RS confusion (an HS256 token signed with a public key) are refused.
/// </summary>
internal sealed class JwtKeys
{
    private JwtKeys(IReadOnlyList<SecurityKey> keys, IReadOnlyList<string> algorithms, SigningCredentials? signing)
    {
        Keys = keys;
        Algorithms = algorithms;
        Signing = signing;
    }

    public IReadOnlyList<SecurityKey> Keys { get; }

    public IReadOnlyList<string> Algorithms { get; }

    /// <summary>The HS256 credentials tokens can be issued with; null for public-key sources.</summary>
    public SigningCredentials? Signing { get; }

    public static JwtKeys Load(JwtConfig jwt)
    {
        if (Secret(jwt) is { } secret)
        {
            var key = new SymmetricSecurityKey(secret);
            return new JwtKeys([key], [SecurityAlgorithms.HmacSha256], new SigningCredentials(key, SecurityAlgorithms.HmacSha256));
        }

        if (jwt.PublicKeyFile is { } file)
        {
            var pem = File.ReadAllText(file);
            if (pem.Contains("EC PUBLIC KEY", StringComparison.Ordinal) || TryEc(pem) is not null)
            {
                return new JwtKeys([new ECDsaSecurityKey(TryEc(pem)!)], [SecurityAlgorithms.EcdsaSha256], null);
            }

            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return new JwtKeys([new RsaSecurityKey(rsa)], [SecurityAlgorithms.RsaSha256], null);
        }

        var set = new JsonWebKeySet(File.ReadAllText(jwt.JwksFile!));
        return new JwtKeys([.. set.GetSigningKeys()], [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256], null);
    }

    private static byte[]? Secret(JwtConfig jwt)
    {
        if (jwt.Hs256SecretGenerated) return RandomNumberGenerator.GetBytes(32);
        var text = jwt.Hs256SecretFile is { } file ? File.ReadAllText(file)
            : jwt.Hs256SecretEnv is { } env ? Environment.GetEnvironmentVariable(env) ?? ""
            : null;
        return text is null ? null : Encoding.UTF8.GetBytes(text.Trim());
    }

    private static ECDsa? TryEc(string pem)
    {
        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            return ec;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            ec.Dispose();
            return null;
        }
    }
}
