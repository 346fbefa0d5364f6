using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Portway.Adapters.Tests.Policies;

public sealed class JwtAuthTests
{
    private const string Endpoints = """
        - { route: "GET /v1/who", pipeline: who, auth: required }
        - { route: "GET /v1/open", pipeline: who, auth: none }
        - { route: "GET /v1/admin", pipeline: who, auth: required, scopes: [admin] }
        """;

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }

    private static async Task<(string Code, string Message)> ErrorOf(HttpResponseMessage response)
    {
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        return (error.GetProperty("code").GetString()!, error.GetProperty("message").GetString()!);
    }

    [Fact]
    public async Task ValidToken_ReachesNodeWithIdentity()
    {
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http(Endpoints));

        using var response = await GetAsync(host.Client, "/v1/who", TestTokens.Hs256(subject: "alice", tenant: "acme", scope: "read write"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("alice", body.GetProperty("subject").GetString());
        Assert.Equal("acme", body.GetProperty("identity_tenant").GetString());
        Assert.Equal(["read", "write"], body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!).ToArray());
    }

    [Fact]
    public async Task NoToken_Answers401WithChallenge_AndNoNodeRuns()
    {
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http(Endpoints));

        using var response = await GetAsync(host.Client, "/v1/who", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Equal("unauthorized", (await ErrorOf(response)).Code);
        Assert.Equal(0, host.Runs.Count);
    }

    [Fact]
    public async Task BuiltIns_NeedNoToken_OnAnInterfaceWhereAuthIsRequired()
    {
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http(Endpoints, interfaceExtra: "auth: required"));

        using var health = await GetAsync(host.Client, "/health", null);
        using var stats = await GetAsync(host.Client, "/stats", null);
        using var who = await GetAsync(host.Client, "/v1/who", null);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, who.StatusCode);
    }

    [Fact]
    public async Task AuthNone_NeedsNoToken_AndNodeSeesAnonymous()
    {
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http(Endpoints));

        using var response = await GetAsync(host.Client, "/v1/open", null);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", body.GetProperty("subject").GetString());
    }

    public static TheoryData<string, string> BadTokens() => new()
    {
        { "expired", "the token has expired" },
        { "not-yet-valid", "the token is not valid yet (nbf)" },
        { "wrong-issuer", "the token's issuer is not accepted" },
        { "wrong-audience", "the token's audience is not accepted" },
        { "wrong-signature", "the token's signature is not valid" },
        { "alg-none", "" },
        { "garbage", "the token is malformed" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task BadToken_Answers401InvalidToken_AndNoNodeRuns(string kind, string reason)
    {
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http(Endpoints));
        var now = DateTimeOffset.UtcNow;
        var token = kind switch
        {
            "expired" => TestTokens.Hs256(expires: now.AddMinutes(-2)),
            "not-yet-valid" => TestTokens.Hs256(notBefore: now.AddMinutes(2), expires: now.AddMinutes(10)),
            "wrong-issuer" => TestTokens.Hs256(issuer: "https://evil.test"),
            "wrong-audience" => TestTokens.Hs256(audience: "someone-else"),
            "wrong-signature" => TestTokens.Hs256(secret: "another-secret-0123456789-abcdefghijklmnopqrstuvwxyz"),
            "alg-none" => TestTokens.AlgNone(),
            _ => "not.a.token",
        };

        using var response = await GetAsync(host.Client, "/v1/who", token);
        var (code, message) = await ErrorOf(response);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", code);
        if (reason.Length > 0) Assert.Equal(reason, message);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("invalid_token", challenge.Parameter, StringComparison.Ordinal);
        Assert.Equal(0, host.Runs.Count);
    }

    [Fact]
    public async Task WithinClockSkew_ExpiredTokenIsStillAccepted()
    {
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http(Endpoints));

        using var response = await GetAsync(host.Client, "/v1/who", TestTokens.Hs256(expires: DateTimeOffset.UtcNow.AddSeconds(-1)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task MissingScope_Answers403InsufficientScope_AndNoNodeRuns()
    {
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http(Endpoints));

        using var refused = await GetAsync(host.Client, "/v1/admin", TestTokens.Hs256(scope: "read"));
        using var allowed = await GetAsync(host.Client, "/v1/admin", TestTokens.Hs256(scope: "read admin"));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("forbidden", (await ErrorOf(refused)).Code);
        Assert.Contains("insufficient_scope", Assert.Single(refused.Headers.WwwAuthenticate).Parameter, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(1, host.Runs.Count);
    }

    [Fact]
    public async Task Rs256PublicKey_AcceptsItsTokens_RefusesHsConfusionAndAlgNone()
    {
        using var rsa = RSA.Create(2048);
        var pem = TestTokens.PublicPem(rsa);
        var jwt = """
            auth:
              jwt: { issuer: "https://id.test", audience: portway-test, public_key_file: "{DIR}/rsa.pem" }
            """;
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http(Endpoints, jwt), files: new Dictionary<string, string> { ["rsa.pem"] = pem });

        using var good = await GetAsync(host.Client, "/v1/who", TestTokens.Signed(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256));
        using var confused = await GetAsync(host.Client, "/v1/who", TestTokens.ConfusedHs256(pem));
        using var none = await GetAsync(host.Client, "/v1/who", TestTokens.AlgNone());
        using var otherKey = RSA.Create(2048);
        using var forged = await GetAsync(host.Client, "/v1/who", TestTokens.Signed(new RsaSecurityKey(otherKey), SecurityAlgorithms.RsaSha256));

        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, confused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(1, host.Runs.Count);
    }

    [Fact]
    public async Task Es256PublicKey_AcceptsItsTokens()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwt = """
            auth:
              jwt: { issuer: "https://id.test", audience: portway-test, public_key_file: "{DIR}/ec.pem" }
            """;
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http(Endpoints, jwt), files: new Dictionary<string, string> { ["ec.pem"] = TestTokens.PublicPem(ec) });

        using var good = await GetAsync(host.Client, "/v1/who", TestTokens.Signed(new ECDsaSecurityKey(ec), SecurityAlgorithms.EcdsaSha256));

        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task JwksFile_AcceptsTokensOfItsKeys_ByKid()
    {
        using var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = "k1" };
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = "k1" });
        var jwks = JsonSerializer.Serialize(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, n = jwk.N, e = jwk.E, use = "sig", alg = "RS256" } } });
        var jwt = """
            auth:
              jwt: { issuer: "https://id.test", audience: portway-test, jwks_file: "{DIR}/jwks.json" }
            """;
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http(Endpoints, jwt), files: new Dictionary<string, string> { ["jwks.json"] = jwks });

        using var good = await GetAsync(host.Client, "/v1/who", TestTokens.Signed(key, SecurityAlgorithms.RsaSha256));
        using var hs = await GetAsync(host.Client, "/v1/who", TestTokens.Hs256());

        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, hs.StatusCode);
    }
}
