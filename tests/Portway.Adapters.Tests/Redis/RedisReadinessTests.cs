using System.Net;
using System.Text.Json;
using Portway.Testing;

namespace Portway.Adapters.Tests.Redis;

/// <summary><c>/ready</c> of a host whose kv lives in Redis, against a real redis-server that the test stops and starts.</summary>
public sealed class RedisReadinessTests : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly RedisServerFixture _redis;

    public RedisReadinessTests(RedisServerFixture redis) => _redis = redis;

    private static string Yaml(string connection, string kv) => $$"""
        runtime:
          platform:
            kv: { backend: {{kv}} }
            redis: { connection: "{{connection}}", key_prefix: ready-{{Guid.NewGuid().ToString("N")[..8]}} }
        pipelines:
          p: { stages: [ { name: a, node: sys.echo } ] }
        """;

    private static async Task<(HttpStatusCode Status, string[] Reasons)> ReadyAsync(PortwayTestServer server)
    {
        using var response = await server.Client.GetAsync("/ready");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var reasons = doc.RootElement.TryGetProperty("reasons", out var r) ? r.EnumerateArray().Select(x => x.GetString() ?? "").ToArray() : [];
        return (response.StatusCode, reasons);
    }

    [Fact]
    public async Task Ready_NotReadyWhileRedisIsDown_ReadyAgainWhenItIsBack()
    {
        var connection = $"{_redis.ConnectionString},connectTimeout=500";
        await using var server = await PortwayTestServer.StartAsync(Yaml(connection, "redis"));
        await Eventually.TrueAsync(async () => (await ReadyAsync(server)).Status == HttpStatusCode.OK, Deadline, "/ready answers 200 once connected");

        await _redis.StopAsync();
        try
        {
            await Eventually.TrueAsync(async () => (await ReadyAsync(server)).Status == HttpStatusCode.ServiceUnavailable, Deadline, "/ready answers 503 while redis is down");
            var (_, reasons) = await ReadyAsync(server);
            Assert.Contains($"redis unreachable ({connection})", reasons);
        }
        finally
        {
            await _redis.StartAsync();
        }

        await Eventually.TrueAsync(async () => (await ReadyAsync(server)).Status == HttpStatusCode.OK, Deadline, "/ready answers 200 when redis is back");
    }

    [Fact]
    public async Task Ready_ConfigWithoutRedis_IgnoresAnUnreachableRedis()
    {
        await using var server = await PortwayTestServer.StartAsync(Yaml("127.0.0.1:1,connectTimeout=200", "memory"));

        var (status, reasons) = await ReadyAsync(server);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain(reasons, r => r.StartsWith("redis", StringComparison.Ordinal));
    }
}
