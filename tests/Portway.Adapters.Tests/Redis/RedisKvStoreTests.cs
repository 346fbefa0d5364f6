using Microsoft.Extensions.Logging.Abstractions;
using Portway.Adapters.Redis.Internal;
using Portway.Adapters.Redis.Internal.Kv;
using Portway.Configuration;
using Portway.Kv;
using Portway.Testing;
using Portway.Testing.Kv;

namespace Portway.Adapters.Tests.Redis;

/// <summary>The kv contract on the redis backend, against a real <c>redis-server</c> (real clock: TTLs are short and awaited as events).</summary>
public sealed class RedisKvStoreTests : KvStoreContractTests, IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly RedisConnection _connection;
    private readonly RedisKvStore _store;

    public RedisKvStoreTests(RedisServerFixture redis)
    {
        _connection = new RedisConnection(new RedisConfig { Connection = redis.ConnectionString, KeyPrefix = "kvtest-" + Guid.NewGuid().ToString("N")[..8] }, environment: null, NullLogger.Instance);
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

    [Fact]
    public async Task TwoStoresOnOneRedis_ShareKeysVersionsAndChanges()
    {
        await using var other = new RedisConnection(new RedisConfig { Connection = (await _connection.ConnectAsync()).Configuration.Split(',')[0], KeyPrefix = _connection.KeyPrefix }, environment: null, NullLogger.Instance);
        await using var second = new RedisKvStore(other, NullLogger<RedisKvStore>.Instance);
        await second.GetAsync(P + "none");
        await using var watch = new KvWatchReader(second, KvSelector.ForPrefix(P));
        // A write on the watch's own connection, seen as a change, proves the watch is live before the other store writes.
        await second.SetAsync(P + "primer", B("p"));
        var primed = await watch.NextAsync();
        Assert.Equal((P + "primer", KvChangeKind.Set), (primed.Key, primed.Kind));
        var v = await Store.SetAsync(P + "shared", B("from one"));
        var seen = await watch.NextAsync();
        Assert.Equal((P + "shared", KvChangeKind.Set, v), (seen.Key, seen.Kind, seen.Version));
        Assert.Equal("from one", S((await second.GetAsync(P + "shared"))!.Value));
        Assert.False((await second.CompareAndSetAsync(P + "shared", 0, B("x"))).Succeeded);
    }

    [Fact]
    public async Task KeyPrefix_SeparatesDeployments()
    {
        await using var other = new RedisConnection(new RedisConfig { Connection = (await _connection.ConnectAsync()).Configuration.Split(',')[0], KeyPrefix = _connection.KeyPrefix + "-other" }, environment: null, NullLogger.Instance);
        await using var second = new RedisKvStore(other, NullLogger<RedisKvStore>.Instance);
        await Store.SetAsync(P + "mine", B("1"));
        Assert.Null(await second.GetAsync(P + "mine"));
        Assert.Empty(await second.ListKeysAsync(P));
    }

    [Fact]
    public async Task ListKeys_PrefixWithGlobCharacters_IsTakenLiterally()
    {
        await Store.SetAsync(P + "a*b", B("1"));
        await Store.SetAsync(P + "axb", B("2"));
        Assert.Equal(new[] { P + "a*b" }, await Store.ListKeysAsync(P + "a*"));
    }
}
