using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Portway.Adapters.Redis.Internal;
using Portway.Adapters.Redis.Internal.Kv;
using Portway.Configuration;
using Portway.Kv;
using Portway.Testing;
using Portway.Testing.Kv;

namespace Portway.Adapters.Tests.Redis;

/// <summary>A kv watch across a restart of its redis-server (persistence off: the restarted Redis is empty).</summary>
public sealed class RedisKvRestartTests : IClassFixture<RedisServerFixture>
{
    private readonly RedisServerFixture _redis;

    public RedisKvRestartTests(RedisServerFixture redis) => _redis = redis;

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Watch_ResumesAfterRedisRestarts_AndReportsChangesMadeAfterIt()
    {
        var config = new RedisConfig { Connection = $"{_redis.ConnectionString},connectTimeout=500", KeyPrefix = "kvrestart-" + Guid.NewGuid().ToString("N")[..8] };
        await using var connection = new RedisConnection(config, environment: null, NullLogger.Instance);
        await using var store = new RedisKvStore(connection, NullLogger<RedisKvStore>.Instance);
        await connection.ConnectAsync();
        await Eventually.TrueAsync(() => connection.IsConnected, TimeSpan.FromSeconds(30), "the first connect");
        await SetWhenUpAsync(store, "p/a", "before");
        await using var watch = new KvWatchReader(store, KvSelector.ForPrefix("p/"));
        var current = await watch.NextAsync();
        Assert.Equal(("p/a", KvChangeKind.Current), (current.Key, current.Kind));
        await store.SetAsync("p/b", B("live"));
        var live = await watch.NextAsync();
        Assert.Equal(("p/b", KvChangeKind.Set), (live.Key, live.Kind));

        await _redis.StopAsync();
        await Eventually.TrueAsync(() => !connection.IsConnected, TimeSpan.FromSeconds(30), "the connection notices redis-server is gone");
        await _redis.StartAsync();
        await Eventually.TrueAsync(() => connection.IsConnected, TimeSpan.FromSeconds(60), "the connection comes back by itself");

        // The restarted Redis is empty: its version counter starts again at 1, below the versions the watch has seen.
        // The watch reports the loss (p/b, and p/a unless it is set again first, deleted) and every change after it.
        await SetWhenUpAsync(store, "p/a", "after");
        var deleted = new List<string>();
        KvChange change;
        while ((change = await watch.NextAsync()).Kind == KvChangeKind.Deleted) deleted.Add(change.Key);
        Assert.Equal(("p/a", KvChangeKind.Set, "after"), (change.Key, change.Kind, Encoding.UTF8.GetString(change.Value.Span)));
        Assert.Contains("p/b", deleted);
        await store.SetAsync("p/c", B("new"));
        var next = await watch.NextAsync();
        Assert.Equal(("p/c", KvChangeKind.Set, "new"), (next.Key, next.Kind, Encoding.UTF8.GetString(next.Value.Span)));
    }

    /// <summary>Sets the key, retrying while the store still reports Redis unreachable just after the reconnect.</summary>
    private static async Task SetWhenUpAsync(RedisKvStore store, string key, string value)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await store.SetAsync(key, B(value));
                return;
            }
            catch (PortwayException ex) when (ex.Error.Code == ErrorCode.Unavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
