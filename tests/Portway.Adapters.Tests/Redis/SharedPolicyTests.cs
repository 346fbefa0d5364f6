using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portway.Adapters.Tests.Http;
using Portway.Adapters.Tests.Policies;
using Portway.Policies;
using Portway.Testing;

namespace Portway.Adapters.Tests.Redis;

/// <summary>
/// Two hosts on one real redis-server with <c>policy_store: redis</c> (the default when the config names
/// <c>runtime.platform.redis</c>): a limit of N per window is N across both hosts, for fixed, sliding and token bucket
/// limits and for WebSocket operations; the response cache is one cache (an answer stored through one host is a hit on
/// the other, a clear through one clears both). One fake clock drives both hosts.
/// </summary>
public sealed class SharedPolicyTests : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    // A minute boundary plus 10 s: fixed windows are aligned on the clock, so Retry-After is exactly 50 s.
    private readonly FakeTimeProvider _time = new(MinuteStart(DateTimeOffset.UtcNow).AddSeconds(10));
    private readonly RedisServerFixture _redis;
    private readonly NodeRuns _runs = new();
    private SharedRedisHosts _hosts = null!;

    public SharedPolicyTests(RedisServerFixture redis) => _redis = redis;

    private static DateTimeOffset MinuteStart(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero);

    private string Yaml(string prefix) => $$"""
        runtime:
          platform:
            redis: { connection: "{{_redis.ConnectionString}}", key_prefix: {{prefix}} }
          web:
        {{PolicyYaml.Indent(PolicyYaml.HsJwt, 4)}}
            interfaces:
              - kind: http
                auth: none
                endpoints:
                  - { route: "POST /v1/fixed", pipeline: who, rate_limit: { permit: 3, window_s: 60 } }
                  - { route: "POST /v1/sliding", pipeline: who, rate_limit: { kind: sliding, permit: 2, window_s: 60, segments: 6 } }
                  - { route: "POST /v1/bucket", pipeline: who, rate_limit: { kind: token_bucket, permit: 2, tokens_per_period: 1, window_s: 10 } }
                  - { route: "GET /v1/cached", pipeline: who, cache: { ttl_s: 300, shared: true } }
              - kind: websocket
                auth: none
                endpoints:
                  - route: /v1/ws
                    operations:
                      who: { pipeline: who, rate_limit: { permit: 2, window_s: 60 } }
        {{PolicyYaml.Pipelines}}
        """;

    public async Task InitializeAsync()
    {
        _hosts = await SharedRedisHosts.StartAsync(Yaml("shared-" + Guid.NewGuid().ToString("N")[..8]), _time, _runs);
    }

    public async Task DisposeAsync() => await _hosts.DisposeAsync();

    private static Task<HttpResponseMessage> Post(PortwayTestServer host, string path) =>
        host.Client.PostAsync(path, new StringContent("{}", Encoding.UTF8, "application/json"));

    [Fact]
    public async Task FixedWindow_NPerWindow_AcrossBothHosts_RetryAfterToTheWindowsEnd()
    {
        var statuses = new List<HttpStatusCode>();
        foreach (var host in new[] { _hosts.One, _hosts.Two, _hosts.One })
        {
            using var ok = await Post(host, "/v1/fixed");
            statuses.Add(ok.StatusCode);
        }

        using var overOnTwo = await Post(_hosts.Two, "/v1/fixed");
        using var overOnOne = await Post(_hosts.One, "/v1/fixed");
        _time.Advance(TimeSpan.FromSeconds(50));
        using var nextWindow = await Post(_hosts.Two, "/v1/fixed");

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal((HttpStatusCode)429, overOnTwo.StatusCode);
        Assert.Equal("50", overOnTwo.Headers.RetryAfter!.ToString());
        Assert.Equal((HttpStatusCode)429, overOnOne.StatusCode);
        Assert.Equal(HttpStatusCode.OK, nextWindow.StatusCode);
        Assert.Equal(4, _runs.Count);
    }

    [Fact]
    public async Task SlidingWindowAndTokenBucket_CountedAcrossBothHosts()
    {
        using var slidingOne = await Post(_hosts.One, "/v1/sliding");
        using var slidingTwo = await Post(_hosts.Two, "/v1/sliding");
        using var slidingOver = await Post(_hosts.One, "/v1/sliding");
        using var bucketOne = await Post(_hosts.One, "/v1/bucket");
        using var bucketTwo = await Post(_hosts.Two, "/v1/bucket");
        using var bucketOver = await Post(_hosts.Two, "/v1/bucket");
        _time.Advance(TimeSpan.FromSeconds(10));
        using var refilled = await Post(_hosts.One, "/v1/bucket");
        using var emptyAgain = await Post(_hosts.Two, "/v1/bucket");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, (HttpStatusCode)429), (slidingOne.StatusCode, slidingTwo.StatusCode, slidingOver.StatusCode));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, (HttpStatusCode)429), (bucketOne.StatusCode, bucketTwo.StatusCode, bucketOver.StatusCode));
        Assert.Equal("10", bucketOver.Headers.RetryAfter!.ToString());
        Assert.Equal((HttpStatusCode.OK, (HttpStatusCode)429), (refilled.StatusCode, emptyAgain.StatusCode));
    }

    [Fact]
    public async Task WebSocketOperationLimit_CountedAcrossBothHosts()
    {
        await using var one = await Portway.Adapters.Tests.WebSocket.WsClient.ConnectAsync(_hosts.One.BaseAddress, "/v1/ws");
        await using var two = await Portway.Adapters.Tests.WebSocket.WsClient.ConnectAsync(_hosts.Two.BaseAddress, "/v1/ws");

        await one.SendAsync("""{"id":1,"op":"who"}""");
        var first = await one.ReceiveJsonAsync();
        await two.SendAsync("""{"id":1,"op":"who"}""");
        var second = await two.ReceiveJsonAsync();
        await one.SendAsync("""{"id":2,"op":"who"}""");
        var third = await one.ReceiveJsonAsync();

        Assert.Equal("reply", first.GetProperty("type").GetString());
        Assert.Equal("reply", second.GetProperty("type").GetString());
        Assert.Equal("rate_limited", third.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(50, third.GetProperty("error").GetProperty("retry_after_s").GetInt32());
    }

    [Fact]
    public async Task ResponseCache_OneCacheForBothHosts_ClearThroughOneClearsBoth()
    {
        using var miss = await _hosts.One.Client.GetAsync("/v1/cached");
        _time.Advance(TimeSpan.FromSeconds(7));
        using var hitOnTwo = await _hosts.Two.Client.GetAsync("/v1/cached");
        // The entry is an anonymous caller's (auth: none): only a clear of every tenant (with the scope) drops it.
        using var clear = new HttpRequestMessage(HttpMethod.Post, "/v1/cache/clear") { Content = new StringContent("""{"all_tenants":true}""", Encoding.UTF8, "application/json") };
        clear.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Hs256(scope: "cache.admin", expires: DateTimeOffset.UtcNow.AddHours(1)));
        using var cleared = await _hosts.Two.Client.SendAsync(clear);
        using var missAgain = await _hosts.One.Client.GetAsync("/v1/cached");

        Assert.Equal(HttpStatusCode.OK, miss.StatusCode);
        Assert.Equal(HttpStatusCode.OK, hitOnTwo.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), hitOnTwo.Headers.Age);
        Assert.Equal(await miss.Content.ReadAsStringAsync(), await hitOnTwo.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal(HttpStatusCode.OK, missAgain.StatusCode);
        Assert.Equal("0", missAgain.Headers.GetValues("Age").Single());
        Assert.Equal(2, _runs.Count);
    }
}
