using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// The directory's short-lived node tokens: compact JWS (RFC 7515), ES256, header
/// <c>{"alg":"ES256","typ":"JWT","kid"}</c>, claims <c>{"iss":"portway-directory","sub":NODE_ID,"iat","exp"}</c>
/// (seconds since the epoch). <see cref="Lifetime"/> is 5 minutes.
/// </summary>
internal static class DirectoryToken
{
    /// <summary>How long a token is valid.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>The <c>iss</c> claim.</summary>
    public const string Issuer = "portway-directory";

    /// <summary>The only <c>alg</c> issued and accepted.</summary>
    public const string Algorithm = "ES256";

    /// <summary>A token for <paramref name="nodeId"/> issued at <paramref name="now"/>, and when it expires.</summary>
    public static (string Token, DateTimeOffset ExpiresAt) Issue(DirectoryKey key, string nodeId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        var issuedAt = now.ToUnixTimeSeconds();
        var expiresAt = issuedAt + (long)Lifetime.TotalSeconds;
        var header = Json(writer =>
        {
            writer.WriteString("alg", Algorithm);
            writer.WriteString("typ", "JWT");
            writer.WriteString("kid", key.KeyId);
        });
        var claims = Json(writer =>
        {
            writer.WriteString("iss", Issuer);
            writer.WriteString("sub", nodeId);
            writer.WriteNumber("iat", issuedAt);
            writer.WriteNumber("exp", expiresAt);
        });
        var signingInput = Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(claims);
        var signature = key.Sign(Encoding.ASCII.GetBytes(signingInput));
        return (signingInput + "." + Base64Url.EncodeToString(signature), DateTimeOffset.FromUnixTimeSeconds(expiresAt));
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
