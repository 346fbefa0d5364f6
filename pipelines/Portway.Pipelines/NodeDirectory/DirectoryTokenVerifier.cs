using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// Verifies directory tokens offline, against the directory's published public key (SubjectPublicKeyInfo PEM,
/// as <c>GET /v1/directory/keys</c> gives it) and a clock: the signature, the key id, the issuer and the
/// validity window (<c>iat</c> no more than a minute ahead, <c>exp</c> not reached). Verified tokens are cached
/// (<see cref="VerifiedTokenCache"/>); a cached token is still checked against its expiry. Thread-safe.
/// </summary>
internal sealed class DirectoryTokenVerifier : IDisposable
{
    /// <summary>How far ahead of this clock a token's <c>iat</c> may be.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private const int MaxTokenLength = 2048;

    private readonly ECDsa _key;
    private readonly string _keyId;
    private readonly TimeProvider _time;

    public DirectoryTokenVerifier(string publicKeyPem, TimeProvider time, int cacheCapacity = 10_000)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(publicKeyPem);
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _key = ECDsa.Create();
        _key.ImportFromPem(publicKeyPem);
        _keyId = Base64Url.EncodeToString(SHA256.HashData(_key.ExportSubjectPublicKeyInfo()).AsSpan(0, 16));
        Cache = new VerifiedTokenCache(cacheCapacity);
    }

    /// <summary>The verified tokens.</summary>
    public VerifiedTokenCache Cache { get; }

    /// <summary>Verifies <paramref name="token"/> now.</summary>
    public TokenCheck Verify(string? token)
    {
        var now = _time.GetUtcNow();
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return TokenCheck.Fail("malformed", $"token is required: a compact JWS of at most {MaxTokenLength} characters");
        }

        if (Cache.TryGet(token, now, out var cachedNode, out var cachedExpiry))
        {
            return TokenCheck.Ok(cachedNode, cachedExpiry, fromCache: true);
        }

        var parts = token.Split('.');
        if (parts.Length != 3 || !parts.All(p => Base64Url.IsValid(p))
            || Parse(parts[0]) is not { } header || Parse(parts[1]) is not { } claims)
        {
            return TokenCheck.Fail("malformed", "token is not a compact JWS (three base64url parts, JSON header and claims)");
        }

        using (header)
        using (claims)
        {
            if (Text(header, "alg") != DirectoryToken.Algorithm)
            {
                return TokenCheck.Fail("malformed", $"token alg must be {DirectoryToken.Algorithm}");
            }

            if (Text(header, "kid") != _keyId)
            {
                return TokenCheck.Fail("wrong_key", "token was not signed by this directory's key (kid does not match)");
            }

            var signature = Base64Url.DecodeFromChars(parts[2]);
            var signingInput = Encoding.ASCII.GetBytes(token.AsSpan(0, parts[0].Length + 1 + parts[1].Length).ToString());
            if (signature.Length != 64 || !_key.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            {
                return TokenCheck.Fail("bad_signature", "token signature does not verify against the directory's public key");
            }

            if (Text(claims, "iss") != DirectoryToken.Issuer || Text(claims, "sub") is not { } nodeId
                || Seconds(claims, "iat") is not { } issuedAt || Seconds(claims, "exp") is not { } expiresAt)
            {
                return TokenCheck.Fail("malformed", "token claims must hold iss, sub, iat and exp");
            }

            if (issuedAt > now + ClockSkew)
            {
                return TokenCheck.Fail("not_yet_valid", $"token was issued in the future ({issuedAt:O})");
            }

            if (now >= expiresAt)
            {
                return TokenCheck.Fail("expired", $"token expired at {expiresAt:O}");
            }

            Cache.Add(token, nodeId, expiresAt, now);
            return TokenCheck.Ok(nodeId, expiresAt, fromCache: false);
        }
    }

    public void Dispose() => _key.Dispose();

    private static JsonDocument? Parse(string part)
    {
        try
        {
            var document = JsonDocument.Parse(Base64Url.DecodeFromChars(part));
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonDocument document, string name) =>
        document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? Seconds(JsonDocument document, string name) =>
        document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetInt64(out var seconds) && seconds is >= 0 and < 253_402_300_800
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
