using System.Security.Cryptography;
using Portway.Configuration;

namespace Portway.Framework.Tests.Configuration;

/// <summary>
/// <c>runtime.web.auth.jwt</c> accepts only a key source that runs: exactly one, readable, holding what it claims
/// (a 32-character secret, a PEM public key, a JSON Web Key Set); each problem at the key's line and column.
/// </summary>
public sealed class JwtKeySourceConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("portway-jwt-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A config whose jwt block (line 4) holds <paramref name="source"/> from column 63.</summary>
    private static ConfigLoadResult Load(string source) => PortwayConfigLoader.Load($$"""
        runtime:
          web:
            auth:
              jwt: { issuer: https://id.test, audience: portway-test, {{source}} }
            interfaces:
              - kind: http
                endpoints:
                  - { route: "GET /v1/a", pipeline: echo }
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
        """, "test.yaml", ["sys.echo"]);

    /// <summary>The one problem, at the value of the source key <paramref name="key"/> (line 4, after <c>key: </c>).</summary>
    private static ConfigProblem OneProblemAt(string key, ConfigLoadResult result)
    {
        var problem = Assert.Single(result.Problems);
        Assert.Equal((4, 63 + key.Length + 2), (problem.Line, problem.Column));
        return problem;
    }

    [Fact]
    public void Valid_EachKindOfSource_Loads()
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwks = """{"keys":[{"kty":"RSA","kid":"k1","n":"AQAB","e":"AQAB"}]}""";

        foreach (var source in new[]
        {
            $"hs256_secret_file: {File("ok.key", new string('s', 32))}",
            $"public_key_file: {File("rsa.pem", rsa.ExportSubjectPublicKeyInfoPem())}",
            $"public_key_file: {File("ec.pem", ec.ExportSubjectPublicKeyInfoPem())}",
            $"jwks_file: {File("jwks.json", jwks)}",
            "hs256_secret_generated: true",
        })
        {
            var result = Load(source);
            Assert.True(result.IsValid, source + ": " + string.Join("\n", result.Problems));
        }
    }

    [Fact]
    public void SecretEnv_Unset_IsError()
    {
        var problem = OneProblemAt("hs256_secret_env", Load("hs256_secret_env: PORTWAY_TEST_SURELY_UNSET_JWT_SECRET"));

        Assert.Equal("hs256_secret_env: the environment variable 'PORTWAY_TEST_SURELY_UNSET_JWT_SECRET' is not set", problem.Message);
    }

    [Fact]
    public void SecretEnv_Short_IsError()
    {
        Environment.SetEnvironmentVariable("PORTWAY_TEST_SHORT_JWT_SECRET", "too-short");
        try
        {
            var problem = OneProblemAt("hs256_secret_env", Load("hs256_secret_env: PORTWAY_TEST_SHORT_JWT_SECRET"));

            Assert.Contains("fewer than 32 characters", problem.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PORTWAY_TEST_SHORT_JWT_SECRET", null);
        }
    }

    [Fact]
    public void SecretFile_MissingOrShort_IsError()
    {
        var missing = OneProblemAt("hs256_secret_file", Load($"hs256_secret_file: {_dir}/nope.key"));
        var shortOne = OneProblemAt("hs256_secret_file", Load($"hs256_secret_file: {File("short.key", "  0123456789  \n")}"));

        Assert.Equal($"hs256_secret_file: cannot read '{_dir}/nope.key' (no such file)", missing.Message);
        Assert.Contains("fewer than 32 characters", shortOne.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PublicKeyFile_MissingOrNotAPublicKeyPem_IsError()
    {
        var missing = OneProblemAt("public_key_file", Load($"public_key_file: {_dir}/nope.pem"));
        var notPem = OneProblemAt("public_key_file", Load($"public_key_file: {File("secret.pem", new string('s', 40))}"));

        Assert.Equal($"public_key_file: cannot read '{_dir}/nope.pem' (no such file)", missing.Message);
        Assert.Contains("is not a PEM RSA or EC public key", notPem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"keys\":[]}")]
    [InlineData("{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA\"}]}")]
    [InlineData("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"no-modulus\"}]}")]
    [InlineData("[1,2]")]
    [InlineData("not json")]
    public void JwksFile_NotAKeySet_IsError(string text)
    {
        var problem = OneProblemAt("jwks_file", Load($"jwks_file: {File("jwks.json", text)}"));

        Assert.Contains("is not a JSON Web Key Set", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoSourceOrTwoSources_IsError()
    {
        var none = Assert.Single(Load("clock_skew_seconds: 30").Problems);
        var two = Assert.Single(Load($"hs256_secret_generated: true, jwks_file: {File("k.json", """{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}""")}").Problems);

        Assert.StartsWith("jwt: needs one key source", none.Message, StringComparison.Ordinal);
        Assert.Equal("jwt: one key source only, got hs256_secret_generated and jwks_file", two.Message);
    }
}
