using Portway.Adapters.Redis.Internal;
using Portway.Testing;
using StackExchange.Redis;

namespace Portway.Adapters.Tests.Redis;

/// <summary>
/// Worker ids against a real redis-server: two workers started with the same id notice each other's announcement
/// (they would share one consumer and one live-worker entry); a worker restarted under its id after its process died
/// (its key not yet expired) does not count that as a clash; a stopping worker deletes its key only while it is its own.
/// </summary>
public sealed class RedisWorkerIdTests : IClassFixture<RedisServerFixture>
{
    private readonly RedisServerFixture _redis;

    public RedisWorkerIdTests(RedisServerFixture redis) => _redis = redis;

    [Fact]
    public async Task TwoWorkersWithOneId_EachNoticesTheOther_AWorkerOfItsOwnIdDoesNot()
    {
        await using var harness = new RedisTransportHarness(_redis, "i" + EnvelopeIds.NewId()[..10]);
        var solo = await harness.StartWorkerAsync("solo");
        var first = await harness.StartWorkerAsync("twin");
        var second = await harness.StartWorkerAsync("twin");
        await harness.WaitLiveAsync();

        await Eventually.TrueAsync(() => first.IdClashes > 0 && second.IdClashes > 0, TimeSpan.FromSeconds(15), "both twins notice the other");
        Assert.Equal(0, solo.IdClashes);
        Assert.Equal(["solo", "twin"], harness.Hub.LiveWorkers("far").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AWorkerRestartedUnderItsId_WhileItsOldKeyLives_IsNoClash_AndAStopLeavesAnotherProcesssKey()
    {
        await using var harness = new RedisTransportHarness(_redis, "i" + EnvelopeIds.NewId()[..10]);
        var db = harness.Connection.DatabaseIfConnected ?? await harness.Connection.DatabaseAsync();
        var key = RedisStreamNames.Worker(harness.Connection.KeyPrefix, "far", "w1");
        // What a process killed a moment ago leaves: its key, for up to 2 s.
        await db.StringSetAsync(key, "old-machine/4242/deadbeef", TimeSpan.FromSeconds(2));

        var worker = await harness.StartWorkerAsync("w1");
        await harness.WaitLiveAsync();
        await Eventually.TrueAsync(async () => (await db.StringGetAsync(key)) != "old-machine/4242/deadbeef", TimeSpan.FromSeconds(10), "the worker announced itself");
        // Two more announcements (half a second apart) of its own.
        var ttl = await db.KeyTimeToLiveAsync(key);
        await Eventually.TrueAsync(async () => await db.KeyTimeToLiveAsync(key) > ttl, TimeSpan.FromSeconds(10), "the worker announced itself again");
        Assert.Equal(0, worker.IdClashes);

        // Another process sets the key (a twin): at its next announcement this worker notices it.
        await db.StringSetAsync(key, "other-machine/7/cafebabe", TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(async () => (await db.StringGetAsync(key)) != "other-machine/7/cafebabe", TimeSpan.FromSeconds(10), "the worker announced over it");
        Assert.Equal(1, worker.IdClashes);

        // The twin sets it again, just after this worker's announcement (the next is half a second away): this
        // worker's stop leaves the twin's key.
        await db.StringSetAsync(key, "other-machine/7/cafebabe", TimeSpan.FromSeconds(30));
        await worker.StopAsync(CancellationToken.None);
        Assert.Equal("other-machine/7/cafebabe", (string?)await db.StringGetAsync(key));
    }
}
