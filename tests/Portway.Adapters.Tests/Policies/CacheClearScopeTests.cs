using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Portway.Adapters.Tests.Policies;

/// <summary>
/// <c>POST /v1/cache/clear</c> is scoped (in-memory store, a real host): a token clears only its tenant's cached answers
/// (all of them, or one pipeline's); <c>{"all_tenants": true}</c> needs <c>runtime.web.cache_clear.scope</c>; a token
/// without a tenant can only clear every tenant's; entries of anonymous callers go only with a clear of every tenant.
/// Hits are told by <c>Age</c> (the fake clock moved 5 s since the answers were stored) and by the node's run count.
/// </summary>
public sealed class CacheClearScopeTests
{
    private const string Endpoints = """
        - { route: "POST /v1/who", pipeline: who, cache: { ttl_s: 300 } }
        - { route: "POST /v1/who2", pipeline: who2, cache: { ttl_s: 300 } }
        - { route: "GET /v1/open", pipeline: who, auth: none, cache: { ttl_s: 300, shared: true } }
        """;

    private static readonly string Acme = TestTokens.Hs256(subject: "alice", tenant: "acme");
    private static readonly string Globex = TestTokens.Hs256(subject: "gina", tenant: "globex");

    private static string Yaml(string clear = "") =>
        PolicyYaml.Http(Endpoints, PolicyYaml.HsJwt + clear) + "\n  who2: { stages: [ { name: who, node: test.identity } ] }";

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    private static async Task<HttpResponseMessage> SendAsync(PolicyTestHost host, HttpMethod method, string path, string? token, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await host.Client.SendAsync(request);
    }

    /// <summary>The <c>Age</c> of an answer: 0 when it was just computed, 5 when served from the cache.</summary>
    private static async Task<string> AgeAsync(PolicyTestHost host, string path, string? token)
    {
        using var response = await SendAsync(host, path == "/v1/open" ? HttpMethod.Get : HttpMethod.Post, path, token, path == "/v1/open" ? null : "{}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("Age").Single();
    }

    /// <summary>Caches acme's and globex's answers of both pipelines and the anonymous one, then moves the clock 5 s.</summary>
    private async Task<PolicyTestHost> StartFilledAsync(string clear = "")
    {
        var host = await PolicyTestHost.StartAsync(Yaml(clear), _time);
        foreach (var (path, token) in Entries) Assert.Equal("0", await AgeAsync(host, path, token));
        Assert.Equal(5, host.Runs.Count);
        _time.Advance(TimeSpan.FromSeconds(5));
        return host;
    }

    private static readonly (string Path, string? Token)[] Entries =
        [("/v1/who", Acme), ("/v1/who2", Acme), ("/v1/who", Globex), ("/v1/who2", Globex), ("/v1/open", null)];

    /// <summary>The age of each entry of <see cref="Entries"/>, in order (a miss stores it again).</summary>
    private static async Task<string> AgesAsync(PolicyTestHost host)
    {
        var ages = new List<string>();
        foreach (var (path, token) in Entries) ages.Add(await AgeAsync(host, path, token));
        return string.Join(",", ages);
    }

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    [Fact]
    public async Task TenantClear_DropsOnlyItsTenantsEntries_OtherTenantsAndAnonymousStayCached()
    {
        await using var host = await StartFilledAsync();

        using var cleared = await SendAsync(host, HttpMethod.Post, "/v1/cache/clear", Acme, "{}");

        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal("""{"cleared":"all","tenant":"acme"}""", await cleared.Content.ReadAsStringAsync());
        Assert.Equal("0,0,5,5,5", await AgesAsync(host));
        Assert.Equal(7, host.Runs.Count);
    }

    [Fact]
    public async Task PipelineClear_DropsThatPipelineOfThatTenantOnly()
    {
        await using var host = await StartFilledAsync();

        using var cleared = await SendAsync(host, HttpMethod.Post, "/v1/cache/clear", Globex, """{"pipeline":"who"}""");

        Assert.Equal("""{"cleared":"who","tenant":"globex"}""", await cleared.Content.ReadAsStringAsync());
        Assert.Equal("5,5,0,5,5", await AgesAsync(host));
    }

    [Fact]
    public async Task AllTenantsClear_WithoutTheScope_Is403AndClearsNothing()
    {
        await using var host = await StartFilledAsync();

        using var refused = await SendAsync(host, HttpMethod.Post, "/v1/cache/clear", Acme, """{"all_tenants":true}""");
        using var otherScope = await SendAsync(host, HttpMethod.Post, "/v1/cache/clear", TestTokens.Hs256(tenant: "acme", scope: "cache.read admin"), """{"all_tenants":true,"pipeline":"who"}""");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var error = (await JsonOf(refused)).GetProperty("error");
        Assert.Equal("forbidden", error.GetProperty("code").GetString());
        Assert.Contains("needs the scope 'cache.admin'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("insufficient_scope", refused.Headers.WwwAuthenticate.Single().ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, otherScope.StatusCode);
        Assert.Equal("5,5,5,5,5", await AgesAsync(host));
        Assert.Equal(5, host.Runs.Count);
    }

    [Fact]
    public async Task AllTenantsClear_WithTheScope_DropsEveryTenantsAndAnonymousEntries_OrOnePipelinesOfAll()
    {
        await using var host = await StartFilledAsync();
        var admin = TestTokens.Hs256(subject: "ops", tenant: "acme", scope: "cache.read cache.admin");

        using var byPipeline = await SendAsync(host, HttpMethod.Post, "/v1/cache/clear", admin, """{"all_tenants":true,"pipeline":"who2"}""");
        var afterPipeline = await AgesAsync(host);
        _time.Advance(TimeSpan.FromSeconds(5));
        using var all = await SendAsync(host, HttpMethod.Post, "/v1/cache/clear", admin, """{"all_tenants":true}""");
        var afterAll = await AgesAsync(host);

        Assert.Equal("""{"cleared":"who2","all_tenants":true}""", await byPipeline.Content.ReadAsStringAsync());
        Assert.Equal("5,0,5,0,5", afterPipeline);
        Assert.Equal("""{"cleared":"all","all_tenants":true}""", await all.Content.ReadAsStringAsync());
        Assert.Equal("0,0,0,0,0", afterAll);
    }

    [Fact]
    public async Task TokenWithoutTenant_OnlyClearsEveryTenant_WithTheScope()
    {
        await using var host = await StartFilledAsync();

        using var noTenant = await SendAsync(host, HttpMethod.Post, "/v1/cache/clear", TestTokens.Hs256(tenant: null), "{}");
        using var noTenantPipeline = await SendAsync(host, HttpMethod.Post, "/v1/cache/clear", TestTokens.Hs256(tenant: null, scope: "cache.admin"), """{"pipeline":"who"}""");
        var untouched = await AgesAsync(host);
        using var all = await SendAsync(host, HttpMethod.Post, "/v1/cache/clear", TestTokens.Hs256(tenant: null, scope: "cache.admin"), """{"all_tenants":true}""");

        Assert.Equal(HttpStatusCode.Forbidden, noTenant.StatusCode);
        Assert.Contains("the token has no tenant claim", (await JsonOf(noTenant)).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, noTenantPipeline.StatusCode);
        Assert.Equal("5,5,5,5,5", untouched);
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.Equal("0,0,0,0,0", await AgesAsync(host));
        var rejected = JsonDocument.Parse(await host.Client.GetStringAsync("/stats")).RootElement.GetProperty("rejections");
        Assert.Equal(2, rejected.GetProperty("tenant").GetInt32());
    }

    [Fact]
    public async Task ConfiguredScope_IsTheOneChecked()
    {
        await using var host = await StartFilledAsync("\ncache_clear: { scope: ops.flush }");

        using var defaultScope = await SendAsync(host, HttpMethod.Post, "/v1/cache/clear", TestTokens.Hs256(scope: "cache.admin"), """{"all_tenants":true}""");
        using var configured = await SendAsync(host, HttpMethod.Post, "/v1/cache/clear", TestTokens.Hs256(scope: "ops.flush"), """{"all_tenants":true}""");

        Assert.Equal(HttpStatusCode.Forbidden, defaultScope.StatusCode);
        Assert.Contains("needs the scope 'ops.flush'", (await JsonOf(defaultScope)).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, configured.StatusCode);
        Assert.Equal("0,0,0,0,0", await AgesAsync(host));
    }

    [Theory]
    [InlineData("""{"all_tenants":"yes"}""", "\"all_tenants\" must be true or false")]
    [InlineData("""{"tenant":"globex"}""", "unknown key \"tenant\"")]
    [InlineData("""{"pipeline":7}""", "\"pipeline\": 7 is not a pipeline of the config")]
    [InlineData("""[1]""", "the body is not a JSON object")]
    [InlineData("""{"pipeline":""", "the body is not JSON")]
    public async Task BadBody_Is400_AndClearsNothing(string body, string message)
    {
        await using var host = await StartFilledAsync();

        using var response = await SendAsync(host, HttpMethod.Post, "/v1/cache/clear", Acme, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await JsonOf(response)).GetProperty("error");
        Assert.Equal("validation_failed", error.GetProperty("code").GetString());
        Assert.StartsWith(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("5,5,5,5,5", await AgesAsync(host));
    }
}
