using System.Collections.Concurrent;
using System.Text;
using Portway.Adapters.Redis.Internal;
using Portway.Testing;
using StackExchange.Redis;

namespace Portway.Adapters.Tests.Redis;

/// <summary>
/// <see cref="RedisHopSender"/> against a real redis-server, its runs scheduled by hand: a burst of hops leaves as one call
/// (the first hop does not go alone), and the hops sent while a call is in flight leave together with the next run.
/// </summary>
public sealed class RedisHopSenderTests : IClassFixture<RedisServerFixture>
{
    private readonly RedisServerFixture _redis;

    public RedisHopSenderTests(RedisServerFixture redis) => _redis = redis;

    [Fact]
    public async Task ABurst_LeavesAsOneEntry_AndHopsSentDuringACall_LeaveWithTheNextRun()
    {
        await using var harness = new RedisTransportHarness(_redis, "t" + EnvelopeIds.NewId()[..10]);
        var db = harness.Connection.DatabaseIfConnected ?? await harness.Connection.DatabaseAsync();
        var stream = RedisStreamNames.Hops(harness.Connection.KeyPrefix, "burst");
        var runs = new ConcurrentQueue<IThreadPoolWorkItem>();
        var sender = new RedisHopSender(harness.Connection, harness.Hub, stream, 1000, "burst", runs.Enqueue);

        // A burst: the first hop schedules one run and does not leave alone; the rest wait for that run.
        for (var i = 0; i < 5; i++) sender.Send($"a{i}", Encoding.UTF8.GetBytes($"hop a{i}"));
        Assert.Single(runs);
        Assert.Equal(0, sender.Calls);
        Assert.Equal(0, await db.StreamLengthAsync(stream));

        RunNext(runs);
        // The call returned: the sender scheduled its next run (which takes whatever queued meanwhile).
        await Eventually.TrueAsync(() => !runs.IsEmpty, TimeSpan.FromSeconds(10), "the run after the call is scheduled");
        Assert.Equal(1, sender.Calls);
        Assert.Equal([["hop a0", "hop a1", "hop a2", "hop a3", "hop a4"]], await EntriesAsync(db, stream));

        // Sent before that run: they queue (no second run is scheduled) and leave together with it.
        for (var i = 0; i < 3; i++) sender.Send($"b{i}", Encoding.UTF8.GetBytes($"hop b{i}"));
        Assert.Single(runs);
        RunNext(runs);
        await Eventually.TrueAsync(() => !runs.IsEmpty, TimeSpan.FromSeconds(10), "the run after the second call is scheduled");
        Assert.Equal(2, sender.Calls);
        Assert.Equal(["hop b0", "hop b1", "hop b2"], (await EntriesAsync(db, stream))[1]);

        // Nothing queued: that run goes idle without a call, and the next hop schedules a run of its own.
        RunNext(runs);
        Assert.Empty(runs);
        Assert.Equal(2, sender.Calls);
        sender.Send("c0", Encoding.UTF8.GetBytes("hop c0"));
        Assert.Single(runs);
    }

    private static void RunNext(ConcurrentQueue<IThreadPoolWorkItem> runs)
    {
        Assert.True(runs.TryDequeue(out var run));
        run.Execute();
    }

    private static async Task<List<List<string>>> EntriesAsync(IDatabase db, RedisKey stream) =>
        [.. (await db.StreamRangeAsync(stream)).Select(e => e.Values.Where(v => v.Name == RedisStreamNames.EnvelopeField).Select(v => (string)v.Value!).ToList())];
}
