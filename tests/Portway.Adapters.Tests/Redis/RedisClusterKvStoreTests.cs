using Microsoft.Extensions.Logging.Abstractions;
using Portway.Adapters.Redis.Internal;
using Portway.Adapters.Redis.Internal.Kv;
using Portway.Configuration;
using Portway.Kv;
using Portway.Testing;
using Portway.Testing.Kv;

namespace Portway.Adapters.Tests.Redis;

/// <summary>
/// The whole kv contract on the redis backend against a real <c>redis-server</c> in cluster mode, which refuses a
/// script whose keys hash to different slots (each kv write spans the key's hash, the counter, the log, the expiry set).
/// </summary>
public sealed class RedisClusterKvStoreTests : KvStoreContractTests, IClassFixture<RedisClusterFixture>, IAsyncLifetime
{
    private readonly RedisConnection _connection;
    private readonly RedisKvStore _store;

    public RedisClusterKvStoreTests(RedisClusterFixture redis)
    {
        _connection = new RedisConnection(new RedisConfig { Connection = redis.ConnectionString, KeyPrefix = "kvcluster-" + Guid.NewGuid().ToString("N")[..8] }, environment: null, NullLogger.Instance);
        _store = new RedisKvStore(_connection, NullLogger<RedisKvStore>.Instance);
    }

    protected override IKvStore Store => _store;

    protected override void Elapse(TimeSpan duration)
    {
        // Redis's own clock runs: the test awaits the expiry as a watch event.
    }

    public async Task InitializeAsync() => await _connection.ConnectAsync();

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
