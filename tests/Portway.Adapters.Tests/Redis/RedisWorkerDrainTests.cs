using System.Diagnostics;
using System.Text;
using Portway.Adapters.Redis.Internal;
using Portway.Testing;
using Portway.Transport;

namespace Portway.Adapters.Tests.Redis;

/// <summary>
/// A worker stopping against a real redis-server drains: the hop it runs answers its caller (not left to a claim after
/// <c>claim_idle_ms</c>), it stays announced meanwhile (the host does not fail the hop for want of a live worker), and
/// a hop longer than its drain (<c>runtime.web.drain_timeout_ms</c>) is cancelled and left pending whole — answered by a
/// worker that comes back within <see cref="RedisReplyHub.OrphanGrace"/> (RedisHopEntryTests), failed <c>unavailable</c>
/// when none does.
/// </summary>
public sealed class RedisWorkerDrainTests : IClassFixture<RedisServerFixture>
{
    private readonly RedisServerFixture _redis;

    public RedisWorkerDrainTests(RedisServerFixture redis) => _redis = redis;

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    [Fact]
    public async Task AStoppingWorker_FinishesTheHopItRuns_AndAnswersIt_LeavingNothingPending()
    {
        // No claim would come to the rescue within the test: a minute.
        await using var harness = new RedisTransportHarness(_redis, "d" + EnvelopeIds.NewId()[..10], claimIdleMs: 60_000);
        var worker = await harness.StartWorkerAsync("w1");
        await harness.WaitLiveAsync();
        var db = harness.Connection.DatabaseIfConnected ?? await harness.Connection.DatabaseAsync();
        var stream = RedisStreamNames.Hops(harness.Connection.KeyPrefix, "far");

        var answer = harness.Transport.SendAsync(harness.Hop("delay/delay", "{\"ms\":1500}", Now + 60_000), CancellationToken.None).AsTask();
        await Eventually.TrueAsync(async () => (await db.StreamPendingAsync(stream, RedisStreamNames.ConsumerGroup)).PendingMessageCount == 1,
            TimeSpan.FromSeconds(10), "the worker has taken the hop");

        var stopping = Stopwatch.StartNew();
        await worker.StopAsync(CancellationToken.None);
        stopping.Stop();

        Assert.True(answer.IsCompleted, "the hop was answered before the stop returned");
        var reply = await answer;
        Assert.Equal(EnvelopeKind.Reply, reply.Kind);
        Assert.Equal("{\"ms\":1500}", Encoding.UTF8.GetString(reply.Payload.Span));
        Assert.Equal(1, worker.Ran);
        Assert.True(stopping.Elapsed < worker.DrainTimeout, $"the drain ended with the hop ({stopping.Elapsed}), not at its limit");
        Assert.Equal(0, (await db.StreamPendingAsync(stream, RedisStreamNames.ConsumerGroup)).PendingMessageCount);
        Assert.Equal(0, harness.Hub.InFlight);
        Assert.Equal(0, harness.Hub.DuplicateAnswers);
    }

    [Fact]
    public async Task TheLastWorkerStopping_WithAHopLongerThanItsDrain_AndNoneComingBack_FailsTheHopUnavailable_NotAtItsDeadline()
    {
        await using var harness = new RedisTransportHarness(_redis, "d" + EnvelopeIds.NewId()[..10], claimIdleMs: 60_000, drainMs: 1000);
        var worker = await harness.StartWorkerAsync("w1");
        Assert.Equal(TimeSpan.FromSeconds(1), worker.DrainTimeout);
        await harness.WaitLiveAsync();
        var db = harness.Connection.DatabaseIfConnected ?? await harness.Connection.DatabaseAsync();
        var stream = RedisStreamNames.Hops(harness.Connection.KeyPrefix, "far");

        var answer = harness.Transport.SendAsync(harness.Hop("delay/delay", "{\"ms\":30000}", Now + 120_000), CancellationToken.None).AsTask();
        await Eventually.TrueAsync(async () => (await db.StreamPendingAsync(stream, RedisStreamNames.ConsumerGroup)).PendingMessageCount == 1,
            TimeSpan.FromSeconds(10), "the worker has taken the hop");

        var stopping = Stopwatch.StartNew();
        await worker.StopAsync(CancellationToken.None);
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(8), $"the stop ended after the configured 1 s drain ({stopping.Elapsed}), not with the 30 s hop");
        Assert.False(answer.IsCompleted, "the hop outlasted the drain: cancelled, not answered");
        var gone = Stopwatch.StartNew();

        // Waits out the grace for a worker to come back, then answers unavailable: seconds, not the two-minute deadline.
        var failed = await answer.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True(gone.Elapsed >= RedisReplyHub.OrphanGrace - TimeSpan.FromMilliseconds(300), $"failed after the grace ({gone.Elapsed})");
        Assert.Equal(EnvelopeKind.Error, failed.Kind);
        var error = PortwayError.FromPayload(failed.Payload.Span);
        Assert.Equal(ErrorCode.Unavailable, error.Code);
        Assert.StartsWith("no live worker for process group 'far'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, harness.Hub.InFlight);
    }

    [Fact]
    public async Task AStoppingWorker_WithNothingToRun_ReleasesItsBlockedRead()
    {
        await using var harness = new RedisTransportHarness(_redis, "d" + EnvelopeIds.NewId()[..10]);
        var worker = await harness.StartWorkerAsync("w1");
        await harness.WaitLiveAsync();
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString + ",allowAdmin=true");
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        // The worker's read connection blocks in XREADGROUP (BLOCK 1000) between reads.
        await Eventually.TrueAsync(async () => (await server.ClientListAsync()).Any(c => c.Name == "portway-worker-far" && c.LastCommand == "xreadgroup"),
            TimeSpan.FromSeconds(10), "the worker's read is blocked");
        await worker.StopAsync(CancellationToken.None);

        // Released by CLIENT UNBLOCK (counted in Redis's command statistics), not left to run out its block; then closed.
        var unblocks = (await server.InfoAsync("commandstats")).SelectMany(g => g).FirstOrDefault(p => p.Key == "cmdstat_client|unblock").Value;
        Assert.False(string.IsNullOrEmpty(unblocks), "CLIENT UNBLOCK was sent");
        await Eventually.TrueAsync(async () => !(await server.ClientListAsync()).Any(c => c.Name == "portway-worker-far"),
            TimeSpan.FromSeconds(10), "the read connection is closed");
    }
}
