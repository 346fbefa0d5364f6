using Portway.Adapters.Redis.Internal;
using Portway.Testing;
using Portway.Transport;
using StackExchange.Redis;

namespace Portway.Adapters.Tests.Redis;

/// <summary>
/// The group's consumers do not pile up with every worker that ever ran (each is a consumer of its own), against a
/// real redis-server: a worker stopping with nothing pending deletes its consumer, and a live worker deletes a gone
/// worker's once its hops were claimed and it stayed quiet for <see cref="RedisStageWorker.GoneAfterClaims"/> ×
/// <c>claim_idle_ms</c>.
/// </summary>
public sealed class RedisConsumerSweepTests : IClassFixture<RedisServerFixture>
{
    private readonly RedisServerFixture _redis;

    public RedisConsumerSweepTests(RedisServerFixture redis) => _redis = redis;

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static async Task<string[]> ConsumersAsync(IDatabase db, string stream) =>
        [.. (await db.StreamConsumerInfoAsync(stream, RedisStreamNames.ConsumerGroup)).Select(c => c.Name!).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task AWorkerStoppingWithNothingPending_LeavesNoConsumerBehind()
    {
        await using var harness = new RedisTransportHarness(_redis, "s" + EnvelopeIds.NewId()[..10]);
        var first = await harness.StartWorkerAsync("first");
        await harness.WaitLiveAsync();
        var db = harness.Connection.DatabaseIfConnected ?? await harness.Connection.DatabaseAsync();
        var stream = RedisStreamNames.Hops(harness.Connection.KeyPrefix, "far");
        var answer = await harness.Transport.SendAsync(harness.Hop("echo/echo", "{}", Now + 60_000), CancellationToken.None);
        Assert.Equal(EnvelopeKind.Reply, answer.Kind);
        // Redis makes a consumer of a worker once it is handed an entry.
        Assert.Equal(["first"], await ConsumersAsync(db, stream));

        await first.StopAsync(CancellationToken.None);

        Assert.Empty(await ConsumersAsync(db, stream));
    }

    [Fact]
    public async Task AGoneWorkersConsumer_IsDeletedOnceItsHopsWereClaimedAndItStayedQuiet()
    {
        await using var harness = new RedisTransportHarness(_redis, "s" + EnvelopeIds.NewId()[..10], claimIdleMs: 200);
        var db = harness.Connection.DatabaseIfConnected ?? await harness.Connection.DatabaseAsync();
        var stream = RedisStreamNames.Hops(harness.Connection.KeyPrefix, "far");
        await db.ExecuteAsync("XGROUP", "CREATE", stream, RedisStreamNames.ConsumerGroup, "0", "MKSTREAM");

        // A worker that took a hop and died: its consumer holds the hop pending.
        var hop = harness.Hop("echo/echo", "{\"ghost\":1}", Now + 60_000);
        var answered = harness.Hub.Register(hop.Id, "far").Answer.Task;
        await db.StreamAddAsync(stream, RedisStreamNames.EnvelopeField, harness.Hub.Wire.Encode(hop));
        var taken = await db.StreamReadGroupAsync(stream, RedisStreamNames.ConsumerGroup, "ghost", ">", 10);
        Assert.Single(taken);

        // A live worker claims it, answers it, and later deletes the quiet, empty consumer.
        await harness.StartWorkerAsync("live");
        await harness.WaitLiveAsync();
        var reply = await answered.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(EnvelopeKind.Reply, reply.Kind);
        Assert.Contains("ghost", await ConsumersAsync(db, stream));
        await Eventually.TrueAsync(async () => (await ConsumersAsync(db, stream)).SequenceEqual(["live"]), TimeSpan.FromSeconds(30),
            "the gone worker's consumer is deleted");
    }
}
