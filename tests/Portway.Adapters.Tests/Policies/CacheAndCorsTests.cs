using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Portway.Adapters.Tests.Policies;

public sealed class CacheAndCorsTests
{
    private const string CacheEndpoints = """
        - { route: "POST /v1/who", pipeline: who, cache: { ttl_s: 300 } }
        - { route: "GET /v1/tenants/{tenant}/who", pipeline: who, tenant: from_token, cache: { ttl_s: 60, shared: true } }
        - { route: "POST /v1/fail", pipeline: fail, cache: { ttl_s: 300 } }
        - { route: "GET /v1/mine", pipeline: who, cache: { ttl_s: 60, shared: true } }
        """;

    private static async Task<HttpResponseMessage> PostAsync(PolicyTestHost host, string path, string json, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? TestTokens.Hs256());
        return await host.Client.SendAsync(request);
    }

    private static int RunsOf(string body) => JsonDocument.Parse(body).RootElement.GetProperty("runs").GetInt32();

    [Fact]
    public async Task Cache_MissThenHit_WithAgeAndCacheControl_KeyIgnoresJsonKeyOrder_ExpiresAfterTtl()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http(CacheEndpoints), time);

        using var miss = await PostAsync(host, "/v1/who", """{"a":1,"b":2}""");
        time.Advance(TimeSpan.FromSeconds(42));
        using var hit = await PostAsync(host, "/v1/who", """{ "b": 2, "a": 1 }""");
        using var otherBody = await PostAsync(host, "/v1/who", """{"a":2}""");
        using var otherSubject = await PostAsync(host, "/v1/who", """{"a":1,"b":2}""", TestTokens.Hs256(subject: "bob"));
        time.Advance(TimeSpan.FromSeconds(258));
        using var expired = await PostAsync(host, "/v1/who", """{"a":1,"b":2}""");

        Assert.Equal(HttpStatusCode.OK, miss.StatusCode);
        Assert.Equal("0", miss.Headers.GetValues("Age").Single());
        Assert.True(miss.Headers.CacheControl!.Private);
        Assert.Equal(TimeSpan.FromSeconds(300), miss.Headers.CacheControl.MaxAge);
        var missBody = await miss.Content.ReadAsStringAsync();
        Assert.Equal(missBody, await hit.Content.ReadAsStringAsync());
        Assert.Equal("42", hit.Headers.GetValues("Age").Single());
        Assert.Equal(2, RunsOf(await otherBody.Content.ReadAsStringAsync()));
        Assert.Equal(3, RunsOf(await otherSubject.Content.ReadAsStringAsync()));
        Assert.Equal(4, RunsOf(await expired.Content.ReadAsStringAsync()));
        var stats = JsonDocument.Parse(await host.Client.GetStringAsync("/stats")).RootElement.GetProperty("cache");
        Assert.Equal(1, stats.GetProperty("hits").GetInt32());
    }

    [Fact]
    public async Task Cache_ErrorsAreNotCached()
    {
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http(CacheEndpoints));

        using var first = await PostAsync(host, "/v1/fail", """{"code":"conflict","message":"x"}""");
        using var second = await PostAsync(host, "/v1/fail", """{"code":"conflict","message":"x"}""");

        Assert.Equal(HttpStatusCode.Conflict, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.False(second.Headers.Contains("Age"));
        var stats = JsonDocument.Parse(await host.Client.GetStringAsync("/stats")).RootElement.GetProperty("cache");
        Assert.Equal(0, stats.GetProperty("hits").GetInt32());
    }

    [Fact]
    public async Task Cache_SharedEntryIsPerTenant_AndStillChecksTheTenant()
    {
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http(CacheEndpoints));

        async Task<HttpResponseMessage> GetAsync(string tenant, string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/tenants/{tenant}/who");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await host.Client.SendAsync(request);
        }

        using var alice = await GetAsync("acme", TestTokens.Hs256(subject: "alice", tenant: "acme"));
        using var bob = await GetAsync("acme", TestTokens.Hs256(subject: "bob", tenant: "acme"));
        using var intruder = await GetAsync("acme", TestTokens.Hs256(subject: "eve", tenant: "globex"));
        using var globex = await GetAsync("globex", TestTokens.Hs256(subject: "eve", tenant: "globex"));

        Assert.True(bob.Headers.CacheControl!.Public);
        Assert.Equal(TimeSpan.FromSeconds(60), bob.Headers.CacheControl.MaxAge);
        Assert.Equal(await alice.Content.ReadAsStringAsync(), await bob.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, intruder.StatusCode);
        Assert.Equal(2, RunsOf(await globex.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Cache_SharedEntryWithoutTenantBinding_IsStillPerTokenTenant()
    {
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http(CacheEndpoints));

        async Task<JsonElement> GetAsync(string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/mine");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }

        var alice = await GetAsync(TestTokens.Hs256(subject: "alice", tenant: "acme"));
        var bob = await GetAsync(TestTokens.Hs256(subject: "bob", tenant: "acme"));
        var eve = await GetAsync(TestTokens.Hs256(subject: "eve", tenant: "globex"));

        // bob (same tenant) shares alice's entry; eve of another tenant gets her own answer, never acme's.
        Assert.Equal(alice.ToString(), bob.ToString());
        Assert.Equal("globex", eve.GetProperty("identity_tenant").GetString());
        Assert.Equal(2, RunsOf(eve.ToString()));
    }

    [Fact]
    public async Task CacheClear_NeedsAToken_ClearsItsTenantsEntriesOfAllOrOnePipeline()
    {
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http(CacheEndpoints));

        (await PostAsync(host, "/v1/who", "{}")).Dispose();
        using var cached = await PostAsync(host, "/v1/who", "{}");
        using var anonymous = await host.Client.PostAsync("/v1/cache/clear", new StringContent("{}", Encoding.UTF8, "application/json"));
        using var unknown = await PostAsync(host, "/v1/cache/clear", """{"pipeline":"nope"}""");
        using var otherPipeline = await PostAsync(host, "/v1/cache/clear", """{"pipeline":"fail"}""");
        using var stillCached = await PostAsync(host, "/v1/who", "{}");
        using var byPipeline = await PostAsync(host, "/v1/cache/clear", """{"pipeline":"who"}""");
        using var afterPipelineClear = await PostAsync(host, "/v1/who", "{}");
        (await PostAsync(host, "/v1/who", "{}")).Dispose();
        using var all = await PostAsync(host, "/v1/cache/clear", "{}");
        using var afterClearAll = await PostAsync(host, "/v1/who", "{}");

        Assert.Equal(1, RunsOf(await cached.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherPipeline.StatusCode);
        Assert.Equal(1, RunsOf(await stillCached.Content.ReadAsStringAsync()));
        Assert.Equal("{\"cleared\":\"who\",\"tenant\":\"acme\"}", await byPipeline.Content.ReadAsStringAsync());
        Assert.Equal(2, RunsOf(await afterPipelineClear.Content.ReadAsStringAsync()));
        Assert.Equal("{\"cleared\":\"all\",\"tenant\":\"acme\"}", await all.Content.ReadAsStringAsync());
        Assert.Equal(3, RunsOf(await afterClearAll.Content.ReadAsStringAsync()));
    }

    private const string CorsInterface = """cors: { origins: ["https://app.example.com"], methods: [GET, POST], credentials: true, max_age_s: 600 }""";

    private static HttpRequestMessage Preflight(string origin, string method) => new(HttpMethod.Options, "/v1/who")
    {
        Headers =
        {
            { "Origin", origin },
            { "Access-Control-Request-Method", method },
            { "Access-Control-Request-Headers", "authorization, content-type" },
        },
    };

    [Fact]
    public async Task CorsPreflight_AllowedOrigin_AnsweredWithoutANode()
    {
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http("""- { route: "POST /v1/who", pipeline: who }""", interfaceExtra: CorsInterface));

        using var preflight = Preflight("https://app.example.com", "POST");
        using var response = await host.Client.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("https://app.example.com", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", response.Headers.GetValues("Access-Control-Allow-Credentials").Single());
        Assert.Equal("600", response.Headers.GetValues("Access-Control-Max-Age").Single());
        Assert.Contains("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        Assert.Equal(0, host.Runs.Count);
    }

    [Fact]
    public async Task CorsPreflight_RefusedOriginOrMethod_GetsNoAllowHeaders_AndNoNodeRuns()
    {
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http("""- { route: "POST /v1/who", pipeline: who }""", interfaceExtra: CorsInterface));

        using var evil = Preflight("https://evil.example.com", "POST");
        using var badOrigin = await host.Client.SendAsync(evil);
        using var put = Preflight("https://app.example.com", "PUT");
        using var badMethod = await host.Client.SendAsync(put);

        Assert.False(badOrigin.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(badMethod.Headers.Contains("Access-Control-Allow-Methods") && badMethod.Headers.GetValues("Access-Control-Allow-Methods").Single().Contains("PUT", StringComparison.Ordinal));
        Assert.Equal(0, host.Runs.Count);
    }

    [Fact]
    public async Task CorsActualRequest_AllowedOriginGetsHeaders()
    {
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http("""- { route: "POST /v1/who", pipeline: who }""", interfaceExtra: CorsInterface));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/who") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add("Origin", "https://app.example.com");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Hs256());
        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://app.example.com", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task CorsOnAGraphQLInterface_PreflightAnsweredWithoutTheIngress_AnswersCarryTheHeaders()
    {
        var yaml = $$"""
            runtime:
              web:
            {{PolicyYaml.Indent(PolicyYaml.HsJwt, 4)}}
                interfaces:
                  - kind: graphql
                    auth: none
                    {{CorsInterface}}
                    types: { Who: { subject: String } }
                    query: { who: { pipeline: who, args: { x: Int }, returns: Who } }
            {{PolicyYaml.Pipelines}}
            """;
        await using var host = await PolicyTestHost.StartAsync(yaml);

        HttpRequestMessage GraphQLPreflight(string origin) => new(HttpMethod.Options, "/graphql")
        {
            Headers = { { "Origin", origin }, { "Access-Control-Request-Method", "POST" }, { "Access-Control-Request-Headers", "authorization, content-type" } },
        };

        using var allowedPreflight = GraphQLPreflight("https://app.example.com");
        using var allowed = await host.Client.SendAsync(allowedPreflight);
        using var evilPreflight = GraphQLPreflight("https://evil.example.com");
        using var refused = await host.Client.SendAsync(evilPreflight);
        using var query = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent("""{"query":"{ who(x: 1) { subject } }"}""", Encoding.UTF8, "application/json"),
            Headers = { { "Origin", "https://app.example.com" } },
        };
        using var answer = await host.Client.SendAsync(query);

        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal("https://app.example.com", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", allowed.Headers.GetValues("Access-Control-Allow-Credentials").Single());
        Assert.Equal("600", allowed.Headers.GetValues("Access-Control-Max-Age").Single());
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("https://app.example.com", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(1, host.Runs.Count);
    }
}
