using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portway.Pipelines.NodeDirectory;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Pipelines;

/// <summary>
/// Two real hosts on one real redis-server (<c>kv: { backend: redis }</c>), one fake clock: what one host writes to the
/// directory, the other answers at once (keyed reads go to the kv) and discovers soon after (its index follows a kv watch).
/// </summary>
public sealed class DirectoryTwoHostsTests : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly RedisServerFixture _redis;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string _root = Directory.CreateTempSubdirectory("portway-dir2-").FullName;
    private PortwayTestServer _a = null!;
    private PortwayTestServer _b = null!;

    public DirectoryTwoHostsTests(RedisServerFixture redis) => _redis = redis;

    private string Yaml(string prefix, string host) => $$"""
        runtime:
          platform:
            data_dir: "{{Path.Combine(_root, host)}}"
            kv: { backend: redis }
            redis: { connection: "{{_redis.ConnectionString}}", key_prefix: {{prefix}} }
          web:
            interfaces:
              - kind: http
                endpoints:
                  - { route: "POST /v1/directory/nodes", pipeline: directory_register }
                  - { route: "GET /v1/directory/nodes", pipeline: directory_discover }
                  - { route: "GET /v1/directory/nodes/{id}", pipeline: directory_get }
                  - { route: "DELETE /v1/directory/nodes/{id}", pipeline: directory_deregister }
                  - { route: "POST /v1/directory/nodes/{id}/heartbeat", pipeline: directory_heartbeat }
        pipelines:
          directory_register: { stages: [ { name: register, node: directory.register } ] }
          directory_discover: { stages: [ { name: discover, node: directory.discover } ] }
          directory_get: { stages: [ { name: get, node: directory.get } ] }
          directory_deregister: { stages: [ { name: deregister, node: directory.deregister } ] }
          directory_heartbeat: { stages: [ { name: heartbeat, node: directory.heartbeat } ] }
        """;

    public async Task InitializeAsync()
    {
        var prefix = "dir2-" + Guid.NewGuid().ToString("N")[..8];
        _a = await PortwayTestServer.StartAsync(Yaml(prefix, "a"), services => services.AddSingleton<TimeProvider>(_clock));
        _b = await PortwayTestServer.StartAsync(Yaml(prefix, "b"), services => services.AddSingleton<TimeProvider>(_clock));
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private static NodeDirectoryService DirectoryOf(PortwayTestServer host) => host.Services.GetRequiredService<NodeDirectoryService>();

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(PortwayTestServer host, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static Task<(HttpStatusCode Status, JsonElement Body)> RegisterAsync(PortwayTestServer host, string id, string? key = null) =>
        SendAsync(host, HttpMethod.Post, "/v1/directory/nodes",
            JsonSerializer.Serialize(new { id, public_key = key ?? DirectoryNodeKey.Shared.PublicKey, endpoints = new[] { $"https://{id}.example" }, capabilities = new[] { "relay" } }));

    private static async Task<string[]> DiscoverAsync(PortwayTestServer host)
    {
        var (status, body) = await SendAsync(host, HttpMethod.Get, "/v1/directory/nodes?capability=relay");
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()!).ToArray();
    }

    [Fact]
    public async Task RegisterOnA_IsFetchedOnBAtOnce_AndDiscoveredOnB()
    {
        var (registered, _) = await RegisterAsync(_a, "n1");
        var (fetched, node) = await SendAsync(_b, HttpMethod.Get, "/v1/directory/nodes/n1");

        Assert.Equal(HttpStatusCode.OK, registered);
        Assert.Equal(HttpStatusCode.OK, fetched);
        Assert.Equal(("active", "https://n1.example"), (node.GetProperty("state").GetString(), node.GetProperty("endpoints")[0].GetString()));
        await Eventually.TrueAsync(async () => (await DiscoverAsync(_b)).SequenceEqual(["n1"]), Deadline, "host B discovers the node host A registered");
    }

    [Fact]
    public async Task DeregisterOnB_IsGoneOnAAtOnce_AndFromItsDiscovery()
    {
        await RegisterAsync(_a, "n1");
        await Eventually.TrueAsync(async () => (await DiscoverAsync(_a)).Length == 1, Deadline, "host A discovers its node");

        var (deleted, _) = await SendAsync(_b, HttpMethod.Delete, "/v1/directory/nodes/n1");
        var (fetched, error) = await SendAsync(_a, HttpMethod.Get, "/v1/directory/nodes/n1");

        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Equal(HttpStatusCode.NotFound, fetched);
        Assert.Equal("not_found", error.GetProperty("error").GetProperty("code").GetString());
        await Eventually.TrueAsync(async () => (await DiscoverAsync(_a)).Length == 0, Deadline, "host A stops discovering the node host B deregistered");
    }

    [Fact]
    public async Task HeartbeatOnB_RevivesTheNodeASawInComa_AndASweepKeepsIt()
    {
        var life = DirectoryOf(_a).Lifecycle;
        await RegisterAsync(_a, "n1");
        _clock.Advance(life.StartOf(DirectoryNodeState.Dead) - TimeSpan.FromTicks(1));
        var swept = await DirectoryOf(_a).SweepAsync();
        var (_, inComa) = await SendAsync(_a, HttpMethod.Get, "/v1/directory/nodes/n1");

        var (beat, _) = await SendAsync(_b, HttpMethod.Post, "/v1/directory/nodes/n1/heartbeat", DirectoryNodeKey.Shared.Body("heartbeat", "n1", _clock.GetUtcNow()));
        var (_, revived) = await SendAsync(_a, HttpMethod.Get, "/v1/directory/nodes/n1");

        // Past the moment the node would have died without B's heartbeat: A's sweep reads the kv before removing.
        _clock.Advance(TimeSpan.FromMinutes(1));
        var later = await DirectoryOf(_a).SweepAsync();

        Assert.Equal(1, swept.States["coma"]);
        Assert.Equal("coma", inComa.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.OK, beat);
        Assert.Equal("active", revived.GetProperty("state").GetString());
        Assert.Equal(0, later.Removed);
        Assert.Equal(1, later.States["active"]);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(_b, HttpMethod.Get, "/v1/directory/nodes/n1")).Status);
        await Eventually.TrueAsync(async () => (await DiscoverAsync(_a)).SequenceEqual(["n1"]), Deadline, "host A discovers the revived node again");
    }

    [Fact]
    public async Task DeadNode_SweptOnA_IsNotFoundOnB()
    {
        await RegisterAsync(_b, "n1");
        _clock.Advance(DirectoryOf(_a).Lifecycle.StartOf(DirectoryNodeState.Dead));
        await Eventually.TrueAsync(() => DirectoryOf(_a).Count == 1, Deadline, "host A's index holds the node");

        var swept = await DirectoryOf(_a).SweepAsync();
        var (beat, _) = await SendAsync(_b, HttpMethod.Post, "/v1/directory/nodes/n1/heartbeat", DirectoryNodeKey.Shared.Body("heartbeat", "n1", _clock.GetUtcNow()));

        Assert.Equal(1, swept.Removed);
        Assert.Equal(HttpStatusCode.NotFound, beat);
        await Eventually.TrueAsync(() => DirectoryOf(_b).Count == 0, Deadline, "host B's index drops the swept node");
    }

    [Fact]
    public async Task SameIdRegisteredOnBothHostsAtOnce_WithTwoKeys_ExactlyOneWins()
    {
        for (var round = 0; round < 10; round++)
        {
            var id = "race" + round;
            var both = await Task.WhenAll(RegisterAsync(_a, id, DirectoryNodeKey.Shared.PublicKey), RegisterAsync(_b, id, DirectoryNodeKey.Other.PublicKey));
            var statuses = both.Select(r => r.Status).Order().ToArray();
            var (_, stored) = await SendAsync(_a, HttpMethod.Get, "/v1/directory/nodes/" + id);
            var winner = both.Single(r => r.Status == HttpStatusCode.OK).Body.GetProperty("public_key").GetString();

            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], statuses);
            Assert.Equal(winner, stored.GetProperty("public_key").GetString());
        }
    }
}
