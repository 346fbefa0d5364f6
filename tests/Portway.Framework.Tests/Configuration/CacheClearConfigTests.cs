using Portway.Configuration;

namespace Portway.Framework.Tests.Configuration;

/// <summary>
/// <c>runtime.web.cache_clear</c> is served only with <c>jwt</c> (its token) and an endpoint with <c>cache</c>:
/// <c>check</c> says whether it is, and writing it where nothing would serve it is a config error.
/// </summary>
public sealed class CacheClearConfigTests
{
    private static ConfigLoadResult Load(string web, string endpoint) => PortwayConfigLoader.Load($$"""
        runtime:
          web:
        {{web}}
            interfaces:
              - kind: http
                auth: none
                endpoints:
                  - {{endpoint}}
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
        """, "clear.yaml", ["sys.echo"]);

    private const string Jwt = "    auth: { jwt: { issuer: https://id.test, audience: portway-test, hs256_secret_generated: true } }";
    private const string Cached = """{ route: "GET /v1/a", pipeline: echo, cache: { ttl_s: 60 } }""";
    private const string Uncached = """{ route: "GET /v1/a", pipeline: echo }""";

    [Fact]
    public void Check_SaysWhetherTheClearIsServed()
    {
        static string ClearLine(ConfigLoadResult result)
        {
            Assert.True(result.IsValid, string.Join("\n", result.Problems));
            return ContractSummary.Render(result.Config!).Split('\n').Single(l => l.StartsWith("  cache_clear", StringComparison.Ordinal));
        }

        Assert.Equal("  cache_clear      POST /v1/cache/clear (a token clears its tenant's entries; every tenant's needs scope cache.admin)", ClearLine(Load(Jwt, Cached)));
        Assert.Equal("  cache_clear      POST /v1/cache/clear (a token clears its tenant's entries; every tenant's needs scope ops.flush)",
            ClearLine(Load(Jwt + "\n    cache_clear: { scope: ops.flush }", Cached)));
        Assert.Equal("  cache_clear      not served (path /v1/cache/clear: no endpoint has cache)", ClearLine(Load(Jwt, Uncached)));
        Assert.Equal("  cache_clear      not served (path /v1/cache/clear: no runtime.web.auth.jwt to check its token)", ClearLine(Load("", Cached)));
        Assert.Contains("\"served\": true", ContractSummary.RenderJson(Load(Jwt, Cached).Config!), StringComparison.Ordinal);
        Assert.Contains("\"scope\": \"cache.admin\"", ContractSummary.RenderJson(Load(Jwt, Cached).Config!), StringComparison.Ordinal);
    }

    [Fact]
    public void CacheClearWritten_WithoutJwtOrWithoutACachedEndpoint_IsErrorAtItsKey()
    {
        var noJwt = Assert.Single(Load("    cache_clear: { path: /admin/clear }", Cached).Problems);
        var noCache = Assert.Single(Load(Jwt + "\n    cache_clear: { path: /admin/clear }", Uncached).Problems);
        var disabled = Load("    cache_clear: { enabled: false }", Cached);

        Assert.Equal((3, 18), (noJwt.Line, noJwt.Column));
        Assert.StartsWith("cache_clear: the clear needs a bearer token, but runtime.web.auth.jwt is not set", noJwt.Message, StringComparison.Ordinal);
        Assert.Equal((4, 18), (noCache.Line, noCache.Column));
        Assert.StartsWith("cache_clear: no endpoint has cache", noCache.Message, StringComparison.Ordinal);
        Assert.True(disabled.IsValid, string.Join("\n", disabled.Problems));
    }

    [Theory]
    [InlineData("scope: \"cache admin\"", 42, "scope: 'cache admin' is not a scope a token can carry")]
    [InlineData("scope: \"\"", 42, "scope: '' is not a scope a token can carry")]
    [InlineData("scope: [a, b]", 42, "scope: expected a string")]
    [InlineData("scopes: [a]", 35, "unknown key 'scopes'")]
    public void CacheClearScope_BadValueOrUnknownKey_IsErrorAtItsPosition(string written, int column, string message)
    {
        var problem = Assert.Single(Load(Jwt + "\n    cache_clear: { enabled: true, " + written + " }", Cached).Problems);

        Assert.Equal(("clear.yaml", 4, column), (problem.File, problem.Line, problem.Column));
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CacheClearScope_DefaultsToCacheAdmin_AndBindsWhatIsWritten()
    {
        var defaulted = Load(Jwt, Cached);
        var written = Load(Jwt + "\n    cache_clear: { scope: ops.flush }", Cached);

        Assert.Equal("cache.admin", defaulted.Config!.Runtime.Web.CacheClear.Scope);
        Assert.Equal("ops.flush", written.Config!.Runtime.Web.CacheClear.Scope);
    }
}
