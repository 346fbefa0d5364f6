using System.Text;
using Portway.Adapters.Redis.Internal;
using Portway.Testing;
using Portway.Transport;
using StackExchange.Redis;

namespace Portway.Adapters.Tests.Redis;

/// <summary>
/// A hop stream entry carrying several hops (what a host sends under load) against a real redis-server: it is
/// acknowledged only once every hop of it is answered, and a worker that stops mid-entry leaves it whole for another,
/// which runs it again — each caller still gets exactly one answer.
/// </summary>
public sealed class RedisHopEntryTests : IClassFixture<RedisServerFixture>
{
    private readonly RedisServerFixture _redis;

    public RedisHopEntryTests(RedisServerFixture redis) => _redis = redis;

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    [Fact]
    public async Task AnEntryWhoseHopsFinishApart_IsAcknowledgedOnlyAfterItsLastAnswer()
    {
        await using var harness = new RedisTransportHarness(_redis, "e" + EnvelopeIds.NewId()[..10]);
        var worker = await harness.StartWorkerAsync("w1");
        await harness.WaitLiveAsync();
        var db = harness.Connection.DatabaseIfConnected ?? await harness.Connection.DatabaseAsync();
        var stream = RedisStreamNames.Hops(harness.Connection.KeyPrefix, "far");

        var hops = new[]
        {
            harness.Hop("echo/echo", "{\"n\":0}", Now + 60_000),
            harness.Hop("delay/delay", "{\"ms\":200}", Now + 60_000),
            harness.Hop("delay/delay", "{\"ms\":4000}", Now + 60_000),
        };
        var waiting = await AddEntryAsync(harness, db, stream, hops);

        // The first two answers arrive (each in a call of its own: they finished apart) while the third still runs.
        await Task.WhenAll(waiting[0], waiting[1]).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(waiting[2].IsCompleted, "the 4 s hop is still running");
        Assert.Equal(1, (await db.StreamPendingAsync(stream, RedisStreamNames.ConsumerGroup)).PendingMessageCount);

        var last = await waiting[2].WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("{\"ms\":4000}", Encoding.UTF8.GetString(last.Payload.Span));
        await Eventually.TrueAsync(async () => (await db.StreamPendingAsync(stream, RedisStreamNames.ConsumerGroup)).PendingMessageCount == 0,
            TimeSpan.FromSeconds(10), "the entry is acknowledged after its last answer");
        Assert.Equal(3, worker.Ran);
        Assert.True(worker.AnswerCalls >= 3, $"three answers finishing apart went in calls of their own ({worker.AnswerCalls})");
        Assert.Equal(0, harness.Hub.DuplicateAnswers);
    }

    [Fact]
    public async Task AWorkerStoppingMidEntry_LeavesItWhole_AnotherRunsItAgain_EachCallerAnsweredOnce()
    {
        await using var harness = new RedisTransportHarness(_redis, "e" + EnvelopeIds.NewId()[..10], claimIdleMs: 500, drainMs: 1000);
        var first = await harness.StartWorkerAsync("first");
        await harness.WaitLiveAsync();
        var db = harness.Connection.DatabaseIfConnected ?? await harness.Connection.DatabaseAsync();
        var stream = RedisStreamNames.Hops(harness.Connection.KeyPrefix, "far");

        var hops = new[]
        {
            harness.Hop("echo/echo", "{\"n\":1}", Now + 60_000),
            harness.Hop("delay/delay", "{\"ms\":6000}", Now + 60_000),
        };
        var waiting = await AddEntryAsync(harness, db, stream, hops);
        var quick = await waiting[0].WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("{\"n\":1}", Encoding.UTF8.GetString(quick.Payload.Span));

        // Stopping cancels the running hop after the drain: not answered, so the entry stays pending with the stopped
        // worker. A worker started within RedisReplyHub.OrphanGrace of the last one leaving claims it; the host does not
        // fail the hop meanwhile.
        await first.StopAsync(CancellationToken.None);
        var pending = await db.StreamPendingAsync(stream, RedisStreamNames.ConsumerGroup);
        Assert.Equal(1, pending.PendingMessageCount);
        Assert.Equal("first", Assert.Single(pending.Consumers).Name);

        var second = await harness.StartWorkerAsync("second");
        var slow = await waiting[1].WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(EnvelopeKind.Reply, slow.Kind);
        Assert.Equal("{\"ms\":6000}", Encoding.UTF8.GetString(slow.Payload.Span));
        // The whole entry ran again: its first hop answered twice, and the host dropped the second answer.
        Assert.Equal(2, second.Ran);
        await Eventually.TrueAsync(() => harness.Hub.DuplicateAnswers == 1, TimeSpan.FromSeconds(10), "the re-run's answer to the answered hop is dropped");
        await Eventually.TrueAsync(async () => (await db.StreamPendingAsync(stream, RedisStreamNames.ConsumerGroup)).PendingMessageCount == 0,
            TimeSpan.FromSeconds(10), "nothing pending");
        Assert.Equal(0, harness.Hub.InFlight);
    }

    /// <summary>Registers each hop's waiter and adds them all as ONE hop stream entry, as the host's sender does under load.</summary>
    private static async Task<Task<Envelope>[]> AddEntryAsync(RedisTransportHarness harness, IDatabase db, string stream, Envelope[] hops)
    {
        var waiting = hops.Select(h => harness.Hub.Register(h.Id, "far").Answer.Task).ToArray();
        var fields = hops.Select(h => new NameValueEntry(RedisStreamNames.EnvelopeField, harness.Hub.Wire.Encode(h))).ToArray();
        await db.StreamAddAsync(stream, fields);
        return waiting;
    }
}
