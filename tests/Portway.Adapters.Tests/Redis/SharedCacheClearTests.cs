using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portway.Adapters.Tests.Http;
using Portway.Adapters.Tests.Policies;
using Portway.Policies;
using Portway.Testing;

namespace Portway.Adapters.Tests.Redis;

/// <summary>
/// The scoped cache clear over the shared store: two hosts on one real redis-server (<c>policy_store: redis</c>). A tenant's
/// clear through one host drops that tenant's entries (all, or one pipeline's) for both hosts and leaves every other
/// tenant's and the anonymous callers' entries cached; a clear of every tenant needs the scope and then drops all of them.
/// Hits are told by <c>Age</c>: the one fake clock of both hosts moved 5 s since the answers were stored.
/// </summary>
public sealed class SharedCacheClearTests : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private static readonly string Acme = TestTokens.Hs256(subject: "alice", tenant: "acme");
    private static readonly string Globex = TestTokens.Hs256(subject: "gina", tenant: "globex");

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly RedisServerFixture _redis;
    private readonly NodeRuns _runs = new();
    private SharedRedisHosts _hosts = null!;

    public SharedCacheClearTests(RedisServerFixture redis) => _redis = redis;

    /// <summary>The cached entries, in the order <see cref="AgesAsync"/> reports them.</summary>
    private static readonly (string Path, string? Token)[] Entries =
        [("/v1/who", Acme), ("/v1/who2", Acme), ("/v1/who", Globex), ("/v1/who2", Globex), ("/v1/open", null)];

    private string Yaml(string prefix) => $$"""
        runtime:
          platform:
            redis: { connection: "{{_redis.ConnectionString}}", key_prefix: {{prefix}} }
          web:
        {{PolicyYaml.Indent(PolicyYaml.HsJwt, 4)}}
            interfaces:
              - kind: http
                auth: required
                endpoints:
                  - { route: "POST /v1/who", pipeline: who, cache: { ttl_s: 300 } }
                  - { route: "POST /v1/who2", pipeline: who2, cache: { ttl_s: 300 } }
                  - { route: "POST /v1/open", pipeline: who, auth: none, cache: { ttl_s: 300, shared: true } }
        {{PolicyYaml.Pipelines}}
          who2: { stages: [ { name: who, node: test.identity } ] }
        """;

    public async Task InitializeAsync()
    {
        _hosts = await SharedRedisHosts.StartAsync(Yaml("clear-" + Guid.NewGuid().ToString("N")[..8]), _time, _runs);

        // Every entry stored through host one, then 5 s pass: a hit answers Age 5 on either host.
        var ages = await AgesAsync(_hosts.One);
        Assert.Equal("0,0,0,0,0", ages);
        _time.Advance(TimeSpan.FromSeconds(5));
    }

    public async Task DisposeAsync() => await _hosts.DisposeAsync();

    private static async Task<HttpResponseMessage> PostAsync(PortwayTestServer host, string path, string? token, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await host.Client.SendAsync(request);
    }

    /// <summary>The <c>Age</c> of each entry of <see cref="Entries"/> asked through <paramref name="host"/> (a miss stores it again).</summary>
    private static async Task<string> AgesAsync(PortwayTestServer host)
    {
        var ages = new List<string>();
        foreach (var (path, token) in Entries)
        {
            using var response = await PostAsync(host, path, token, "{}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            ages.Add(response.Headers.GetValues("Age").Single());
        }

        return string.Join(",", ages);
    }

    [Fact]
    public async Task TenantClearThroughOneHost_DropsItsEntriesForBothHosts_OthersStayCached()
    {
        using var cleared = await PostAsync(_hosts.Two, "/v1/cache/clear", Acme, "{}");
        var onOne = await AgesAsync(_hosts.One);

        Assert.Equal("""{"cleared":"all","tenant":"acme"}""", await cleared.Content.ReadAsStringAsync());
        Assert.Equal("0,0,5,5,5", onOne);
        Assert.Equal(7, _runs.Count);
    }

    [Fact]
    public async Task PipelineClearThroughOneHost_DropsThatPipelineOfThatTenantForBothHosts()
    {
        using var cleared = await PostAsync(_hosts.One, "/v1/cache/clear", Globex, """{"pipeline":"who2"}""");
        var onTwo = await AgesAsync(_hosts.Two);

        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal("5,5,5,0,5", onTwo);
    }

    [Fact]
    public async Task AllTenantsClear_NeedsTheScope_ThenDropsEveryEntryForBothHosts()
    {
        using var refused = await PostAsync(_hosts.Two, "/v1/cache/clear", Acme, """{"all_tenants":true}""");
        var untouched = await AgesAsync(_hosts.One);
        using var cleared = await PostAsync(_hosts.Two, "/v1/cache/clear", TestTokens.Hs256(tenant: null, scope: "cache.admin"), """{"all_tenants":true}""");
        var onOne = await AgesAsync(_hosts.One);
        _time.Advance(TimeSpan.FromSeconds(5));
        var onTwo = await AgesAsync(_hosts.Two);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("forbidden", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("5,5,5,5,5", untouched);
        Assert.Equal("""{"cleared":"all","all_tenants":true}""", await cleared.Content.ReadAsStringAsync());
        Assert.Equal("0,0,0,0,0", onOne);
        Assert.Equal("5,5,5,5,5", onTwo);
    }
}
