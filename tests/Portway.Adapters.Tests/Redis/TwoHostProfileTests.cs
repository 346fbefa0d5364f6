using System.Net;
using System.Text;
using Portway.Adapters.Tests.WebSocket;
using Portway.Testing;

namespace Portway.Adapters.Tests.Redis;

/// <summary>Two hosts on one redis-server with <c>profile_store: kv</c>: both serve (and watch) the same tenants' profiles.</summary>
public sealed class TwoHostProfileTests : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly RedisServerFixture _redis;
    private PortwayTestServer _one = null!;
    private PortwayTestServer _two = null!;

    public TwoHostProfileTests(RedisServerFixture redis) => _redis = redis;

    private string Yaml(string prefix) => $$"""
        runtime:
          platform:
            kv: { backend: redis }
            redis: { connection: "{{_redis.ConnectionString}}", key_prefix: {{prefix}} }
            profile_store: kv
          web:
            interfaces:
              - kind: http
                endpoints:
                  - { route: "PUT /v1/tenants/{tenant}/profiles/{profile}", pipeline: profile_put }
                  - { route: "GET /v1/tenants/{tenant}/profiles/{profile}", pipeline: profile_get }
              - kind: websocket
                endpoints:
                  - { route: /v1/ws, operations: { profile_watch: profile_watch } }
        pipelines:
          profile_put: { stages: [ { name: put, node: voice.profile_put } ] }
          profile_get: { stages: [ { name: get, node: voice.profile_get } ] }
          profile_watch: { stages: [ { name: watch, node: voice.profile_watch } ] }
        """;

    public async Task InitializeAsync()
    {
        var prefix = "twohost-" + Guid.NewGuid().ToString("N")[..8];
        _one = await PortwayTestServer.StartAsync(Yaml(prefix));
        _two = await PortwayTestServer.StartAsync(Yaml(prefix));
    }

    public async Task DisposeAsync()
    {
        await _one.DisposeAsync();
        await _two.DisposeAsync();
    }

    [Fact]
    public async Task ProfilePutOnOneHost_IsServedAndWatchedOnTheOther()
    {
        using (var put = await Put(_one, "alice", 0.1)) Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());

        using (var get = await _two.Client.GetAsync("/v1/tenants/acme/profiles/alice"))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Contains("0.1", await get.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await using var watch = await WsClient.ConnectAsync(_two.BaseAddress, "/v1/ws");
        await watch.SendAsync("""{"id":"w","op":"profile_watch","payload":{"tenant":"acme"}}""");
        var current = (await watch.ReceiveJsonAsync()).GetProperty("payload");
        Assert.Equal(("alice", "current"), (current.GetProperty("profile").GetString(), current.GetProperty("kind").GetString()));

        using (var put = await Put(_one, "bob", 0.2)) Assert.True(put.IsSuccessStatusCode);
        var change = (await watch.ReceiveJsonAsync()).GetProperty("payload");
        Assert.Equal(("bob", "set", 0.2), (change.GetProperty("profile").GetString(), change.GetProperty("kind").GetString(), change.GetProperty("vector")[0].GetDouble()));

        // created is exact across hosts: the profile exists, so the second host's put is not a create.
        using (var again = await Put(_two, "bob", 0.3))
        {
            Assert.Contains("\"created\":false", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await watch.SendAsync("""{"id":"w","op":"cancel"}""");
        await Eventually.TrueAsync(() => _one.PendingWaiters == 0 && _two.PendingWaiters == 0, Deadline, "no waiter pending on either host");
    }

    private static Task<HttpResponseMessage> Put(PortwayTestServer host, string profile, double first) =>
        host.Client.PutAsync($"/v1/tenants/acme/profiles/{profile}", new StringContent(
            "{\"vector\":[" + first.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",0.1,0.2,0.3,0.4,0.5,0.6,0.7]}", Encoding.UTF8, "application/json"));
}
