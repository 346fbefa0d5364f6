using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Portway.Adapters.Redis;
using Portway.Adapters.Redis.Internal;
using Portway.Configuration;
using Portway.Testing;
using StackExchange.Redis;

namespace Portway.Adapters.Tests.Redis;

/// <summary>The shared Redis connection against a real <c>redis-server</c> (started by <see cref="RedisServerFixture"/>).</summary>
public sealed class RedisConnectionTests : IClassFixture<RedisServerFixture>
{
    private readonly RedisServerFixture _redis;

    public RedisConnectionTests(RedisServerFixture redis) => _redis = redis;

    [Fact]
    public async Task Connect_ToRealServer_KeysCarryThePrefix()
    {
        var config = new RedisConfig { Connection = _redis.ConnectionString, KeyPrefix = "conn-test" };
        await using var connection = new RedisConnection(config, environment: null, NullLogger.Instance);

        var db = await connection.DatabaseAsync();
        await db.StringSetAsync(connection.Key("greeting"), "hello");

        Assert.True(connection.IsConnected);
        Assert.Equal("conn-test:greeting", (string?)connection.Key("greeting"));
        await using var raw = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        Assert.Equal("hello", (string?)await raw.GetDatabase().StringGetAsync("conn-test:greeting"));
    }

    [Fact]
    public async Task Connect_EnvironmentVariableWinsOverConfig()
    {
        var config = new RedisConfig { Connection = "127.0.0.1:1", KeyPrefix = "env-test" };
        await using var connection = new RedisConnection(config, environment: _redis.ConnectionString, NullLogger.Instance);

        var db = await connection.DatabaseAsync();

        Assert.Equal("PONG", (await db.ExecuteAsync("PING")).ToString());
        Assert.Equal(_redis.ConnectionString, connection.Description);
    }

    [Fact]
    public void Construct_BadEnvironmentValue_NamesTheVariable()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new RedisConnection(new RedisConfig(), environment: "password=x", NullLogger.Instance));

        Assert.StartsWith("PORTWAY_REDIS: names no host:port endpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ServerRestarted_NoticedAndReconnectedByItself()
    {
        var config = new RedisConfig { Connection = $"{_redis.ConnectionString},connectTimeout=500", KeyPrefix = "down-test" };
        await using var connection = new RedisConnection(config, environment: null, NullLogger.Instance);
        await connection.ConnectAsync();
        await Eventually.TrueAsync(() => connection.IsConnected, TimeSpan.FromSeconds(30), "the first connect");

        await _redis.StopAsync();
        await Eventually.TrueAsync(() => !connection.IsConnected, TimeSpan.FromSeconds(30), "the connection notices redis-server is gone");
        await _redis.StartAsync();
        await Eventually.TrueAsync(() => connection.IsConnected, TimeSpan.FromSeconds(60), "the connection comes back by itself");

        Assert.Equal("PONG", (await connection.DatabaseIfConnected!.ExecuteAsync("PING")).ToString());
    }

    [Fact]
    public void AddPortwayRedis_CalledTwice_RegistersOneConnection()
    {
        var services = new ServiceCollection().AddLogging();
        var config = TestConfig.Load("pipelines: { p: { stages: [{ name: a, node: sys.echo }] } }");
        var builder = services.AddPortway(config);

        builder.AddPortwayRedis().AddPortwayRedis();
        using var provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(RedisConnection));
        Assert.Same(provider.GetRequiredService<RedisConnection>(), provider.GetRequiredService<RedisConnection>());
    }
}
