using Microsoft.Extensions.DependencyInjection;
using System.Text;
using Portway.Adapters.Redis.Internal;
using Portway.Testing;
using Portway.Transport;
using StackExchange.Redis;

namespace Portway.Adapters.Tests.Redis;

/// <summary>The redis transport and its workers in process, against a real redis-server.</summary>
public sealed class RedisTransportTests : IClassFixture<RedisServerFixture>
{
    private readonly RedisServerFixture _redis;

    public RedisTransportTests(RedisServerFixture redis) => _redis = redis;

    private static string Prefix() => "t" + EnvelopeIds.NewId()[..10];

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    [Fact]
    public async Task Hop_ToALiveWorker_IsAnsweredOnThisInstancesReplyStream()
    {
        await using var harness = new RedisTransportHarness(_redis, Prefix());
        await harness.StartWorkerAsync("w1");
        await harness.WaitLiveAsync();

        var answer = await harness.Transport.SendAsync(harness.Hop("echo/echo", "{\"n\":7}", Now + 10_000), CancellationToken.None);

        Assert.Equal(EnvelopeKind.Reply, answer.Kind);
        Assert.Equal("{\"n\":7}", Encoding.UTF8.GetString(answer.Payload.Span));
        Assert.Equal(0, harness.Hub.InFlight);
        var db = harness.Connection.DatabaseIfConnected!;
        Assert.Equal(2, await db.StreamLengthAsync(RedisStreamNames.Replies(harness.Connection.KeyPrefix, harness.Instance))); // the creation entry and the answer
        var pending = await db.StreamPendingAsync(RedisStreamNames.Hops(harness.Connection.KeyPrefix, "far"), RedisStreamNames.ConsumerGroup);
        Assert.Equal(0, pending.PendingMessageCount);
    }

    [Fact]
    public async Task Hop_CallerIdentity_CrossesRedisSigned_IntoTheWorkersNodeContext()
    {
        await using var harness = new RedisTransportHarness(_redis, Prefix());
        await harness.StartWorkerAsync("w1");
        await harness.WaitLiveAsync();
        var hop = harness.Hop("who/who", "{}", Now + 10_000);
        // What the router writes on a hop that leaves the process: the identity as signed headers (never client input).
        Portway.Internal.Security.IdentityHeaders.Apply(hop, new CallerIdentity { Subject = "alice", Tenant = "acme", Scopes = ["profiles"] });

        var answer = await harness.Transport.SendAsync(hop, CancellationToken.None);
        var anonymous = await harness.Transport.SendAsync(harness.Hop("who/who", "{}", Now + 10_000), CancellationToken.None);

        Assert.Equal(EnvelopeKind.Reply, answer.Kind);
        var seen = System.Text.Json.JsonDocument.Parse(answer.Payload).RootElement;
        Assert.Equal(("alice", "acme"), (seen.GetProperty("subject").GetString(), seen.GetProperty("identity_tenant").GetString()));
        Assert.Equal(["profiles"], seen.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("", System.Text.Json.JsonDocument.Parse(anonymous.Payload).RootElement.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task GroupStatus_CountsThisHostsHopsInFlight_UntilAnswered()
    {
        await using var harness = new RedisTransportHarness(_redis, Prefix());
        await harness.StartWorkerAsync("w1");
        await harness.WaitLiveAsync();
        var status = harness.Host.GetServices<IProcessGroupStatus>().Single(s => s.Transport == "redis");
        Assert.Equal(0, status.Workers("far").HopsInFlight);

        var slow = harness.Transport.SendAsync(harness.Hop("delay/delay", "{\"ms\":1000}", Now + 30_000), CancellationToken.None).AsTask();
        var other = harness.Transport.SendAsync(harness.Hop("delay/delay", "{\"ms\":1000}", Now + 30_000), CancellationToken.None).AsTask();
        var workers = status.Workers("far");
        Assert.Equal(2, workers.HopsInFlight);
        Assert.Equal(1, workers.Ready);

        await Task.WhenAll(slow, other).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, status.Workers("far").HopsInFlight);
    }

    [Fact]
    public async Task Hop_NoLiveWorker_IsUnavailableAtOnce()
    {
        await using var harness = new RedisTransportHarness(_redis, Prefix());
        await harness.Hub.EnsureStarted(harness.Instance, "far");

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var answer = await harness.Transport.SendAsync(harness.Hop("echo/echo", "{}", Now + 10_000), cts.Token);

        Assert.Equal(EnvelopeKind.Error, answer.Kind);
        var error = PortwayError.FromPayload(answer.Payload.Span);
        Assert.Equal(ErrorCode.Unavailable, error.Code);
        Assert.Equal("no live worker for process group 'far'", error.Message);
    }

    [Fact]
    public async Task Hop_PastItsDeadline_IsAcknowledgedAndNotRun()
    {
        await using var harness = new RedisTransportHarness(_redis, Prefix());
        var worker = await harness.StartWorkerAsync("w1");
        await harness.WaitLiveAsync();

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(1500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await harness.Transport.SendAsync(harness.Hop("echo/echo", "{}", Now - 1), cts.Token));

        await Eventually.TrueAsync(() => worker.Expired == 1, TimeSpan.FromSeconds(10), "the worker skips the expired hop");
        Assert.Equal(0, worker.Ran);
        var pending = await harness.Connection.DatabaseIfConnected!.StreamPendingAsync(RedisStreamNames.Hops(harness.Connection.KeyPrefix, "far"), RedisStreamNames.ConsumerGroup);
        Assert.Equal(0, pending.PendingMessageCount);
        Assert.Equal(0, harness.Hub.InFlight);
    }

    [Fact]
    public async Task DeadWorkersHops_AreClaimedByALiveOne_AndAnsweredOnce()
    {
        await using var harness = new RedisTransportHarness(_redis, Prefix(), claimIdleMs: 500);
        var db = await harness.Connection.DatabaseAsync();
        var prefix = harness.Connection.KeyPrefix;
        var stream = RedisStreamNames.Hops(prefix, "far");

        // A worker "dead" that announced itself, read 5 hops and died: they sit in its pending list, never acknowledged.
        await db.ExecuteAsync("XGROUP", "CREATE", (RedisKey)stream, RedisStreamNames.ConsumerGroup, "0", "MKSTREAM");
        await db.SortedSetAddAsync(RedisStreamNames.Workers(prefix, "far"), "dead", Now + 60_000);
        await harness.WaitLiveAsync();
        var sends = Enumerable.Range(0, 5)
            .Select(i => harness.Transport.SendAsync(harness.Hop("echo/echo", $"{{\"n\":{i}}}", Now + 30_000), CancellationToken.None).AsTask())
            .ToList();
        await Eventually.TrueAsync(async () => await RedisStreamProbe.EnvelopesAsync(db, stream) == 5, TimeSpan.FromSeconds(10), "5 hops in the stream");
        // The hops the host sent together share an entry: the dead worker takes every entry, so all 5 hops.
        var taken = await db.StreamReadGroupAsync(stream, RedisStreamNames.ConsumerGroup, "dead", ">", 100);
        Assert.Equal(5, await RedisStreamProbe.PendingEnvelopesAsync(db, stream, RedisStreamNames.ConsumerGroup, "dead"));
        Assert.InRange(taken.Length, 1, 5);

        var alive = await harness.StartWorkerAsync("alive");
        var answers = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(answers, a => Assert.Equal(EnvelopeKind.Reply, a.Kind));
        Assert.Equal(["{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}"], answers.Select(a => Encoding.UTF8.GetString(a.Payload.Span)).Order());
        await Eventually.TrueAsync(() => db.StreamPending(stream, RedisStreamNames.ConsumerGroup).PendingMessageCount == 0, TimeSpan.FromSeconds(10), "nothing pending");
        Assert.Equal(5, alive.Ran);
        Assert.Equal(0, harness.Hub.DuplicateAnswers);
        Assert.Equal(0, harness.Hub.InFlight);
    }

    [Fact]
    public async Task Hop_WithABadSignature_IsAcknowledgedNotAnswered_AndTheWorkerServesOn()
    {
        await using var harness = new RedisTransportHarness(_redis, Prefix());
        var worker = await harness.StartWorkerAsync("w1");
        await harness.WaitLiveAsync();
        var db = harness.Connection.DatabaseIfConnected!;
        var hopStream = RedisStreamNames.Hops(harness.Connection.KeyPrefix, "far");
        var replyStream = RedisStreamNames.Replies(harness.Connection.KeyPrefix, harness.Instance);
        var repliesBefore = await db.StreamLengthAsync(replyStream);

        // A hop signed with another secret (a host configured with a different PORTWAY_IPC_SECRET), and one tampered with.
        var other = EnvelopeWire.Create("another-secret-another-secret-0123"u8, TimeProvider.System, TimeSpan.FromSeconds(30), 1000, 1 << 20);
        var forged = other.Encode(harness.Hop("echo/echo", "{\"x\":1}", Now + 10_000));
        var tampered = harness.Hub.Wire.Encode(harness.Hop("echo/echo", "{\"x\":2}", Now + 10_000));
        tampered[^1] ^= 0xFF;
        await db.StreamAddAsync(hopStream, RedisStreamNames.EnvelopeField, forged);
        await db.StreamAddAsync(hopStream, RedisStreamNames.EnvelopeField, tampered);

        await Eventually.TrueAsync(() => worker.Rejected == 2, TimeSpan.FromSeconds(20), "the worker refuses both hops");
        await Eventually.TrueAsync(() => db.StreamPending(hopStream, RedisStreamNames.ConsumerGroup).PendingMessageCount == 0, TimeSpan.FromSeconds(20), "both acknowledged");
        Assert.Equal(repliesBefore, await db.StreamLengthAsync(replyStream));
        Assert.Equal(0, worker.Ran);

        var answer = await harness.Transport.SendAsync(harness.Hop("echo/echo", "{\"n\":1}", Now + 10_000), CancellationToken.None);
        Assert.Equal(EnvelopeKind.Reply, answer.Kind);
        Assert.Equal(0, harness.Hub.DuplicateAnswers);
    }

    [Fact]
    public async Task SecondAnswerToAHop_IsDropped()
    {
        await using var harness = new RedisTransportHarness(_redis, Prefix());
        await harness.StartWorkerAsync("w1");
        await harness.WaitLiveAsync();
        var hop = harness.Hop("echo/echo", "{}", Now + 10_000);
        var answer = await harness.Transport.SendAsync(hop, CancellationToken.None);
        Assert.Equal(EnvelopeKind.Reply, answer.Kind);

        // The same answer again, as a slow worker would send it after its hop was claimed and answered elsewhere.
        var again = hop.CreateAnswer(EnvelopeKind.Reply, "{}"u8.ToArray());
        again.Headers[RedisStreamNames.HopHeader] = hop.Id;
        await harness.Connection.DatabaseIfConnected!.ExecuteAsync("XADD", (RedisKey)RedisStreamNames.Replies(harness.Connection.KeyPrefix, harness.Instance), "*", "e", harness.Hub.Wire.Encode(again));

        await Eventually.TrueAsync(() => harness.Hub.DuplicateAnswers == 1, TimeSpan.FromSeconds(10), "the second answer is dropped");
        Assert.Equal(0, harness.Hub.InFlight);
    }

    [Fact]
    public async Task ALargeRead_IsAnsweredAsItRuns_InCallsOfAtMostFlushEvery()
    {
        const int Hops = (2 * RedisStageWorker.FlushEvery) + 8;
        await using var harness = new RedisTransportHarness(_redis, Prefix());
        var db = harness.Connection.DatabaseIfConnected ?? await harness.Connection.DatabaseAsync();
        // A worker announced but not reading yet: the hops queue in the stream, and the real worker's first read takes them all.
        await db.SortedSetAddAsync(RedisStreamNames.Workers(harness.Connection.KeyPrefix, "far"), "announced-only", Now + 60_000);
        await harness.WaitLiveAsync();
        var hopStream = RedisStreamNames.Hops(harness.Connection.KeyPrefix, "far");
        var sends = Enumerable.Range(0, Hops)
            .Select(i => harness.Transport.SendAsync(harness.Hop("echo/echo", $"{{\"n\":{i}}}", Now + 30_000), CancellationToken.None).AsTask())
            .ToArray();
        await Eventually.TrueAsync(async () => await RedisStreamProbe.EnvelopesAsync(db, hopStream) == Hops, TimeSpan.FromSeconds(10), "the hops wait in the hop stream");
        // Sent while the first was in flight, they went together: entries of up to MaxPerEntry hops, not one each.
        var sizes = (await db.StreamRangeAsync(hopStream)).Select(e => e.Values.Length).ToList();
        Assert.InRange(sizes.Count, Hops / RedisHopSender.MaxPerEntry, Hops / 2);
        Assert.All(sizes, size => Assert.InRange(size, 1, RedisHopSender.MaxPerEntry));
        // The worker cuts its answer calls between entries once FlushEvery hops are in one: that many calls at least.
        var (cuts, since) = (1, 0);
        foreach (var size in sizes)
        {
            if (since >= RedisStageWorker.FlushEvery) (cuts, since) = (cuts + 1, 0);
            since += size;
        }

        var worker = await harness.StartWorkerAsync("w1");
        var answers = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(30));

        for (var i = 0; i < Hops; i++)
        {
            Assert.Equal(EnvelopeKind.Reply, answers[i].Kind);
            Assert.Equal($"{{\"n\":{i}}}", Encoding.UTF8.GetString(answers[i].Payload.Span));
        }

        // One read of all the hops, answered as it ran: a call per FlushEvery hops or so — not one at the end of the read, nor
        // one per hop (a hop that went asynchronous on a loaded machine answers in a call of its own: hence a range).
        Assert.True(cuts >= 2, $"{Hops} hops in entries of at most {RedisHopSender.MaxPerEntry} make at least two calls");
        Assert.InRange(worker.AnswerCalls, cuts, Hops / 2);
        Assert.Equal(0, (await db.StreamPendingAsync(hopStream, RedisStreamNames.ConsumerGroup)).PendingMessageCount);
        Assert.Equal(0, harness.Hub.InFlight);
        Assert.Equal(0, harness.Hub.DuplicateAnswers);
    }

    [Fact]
    public async Task Streams_StayUnderTheirBound_AfterManyHops()
    {
        const int Hops = 100_000;
        const int MaxLength = 1000;
        await using var harness = new RedisTransportHarness(_redis, Prefix(), maxLength: MaxLength);
        await harness.StartWorkerAsync("w1", concurrency: 256);
        await harness.WaitLiveAsync();
        var db = harness.Connection.DatabaseIfConnected!;
        var hopStream = RedisStreamNames.Hops(harness.Connection.KeyPrefix, "far");
        var replyStream = RedisStreamNames.Replies(harness.Connection.KeyPrefix, harness.Instance);

        var next = -1;
        var failures = 0;
        long longest = 0;
        async Task Sender()
        {
            while (Interlocked.Increment(ref next) < Hops)
            {
                var answer = await harness.Transport.SendAsync(harness.Hop("echo/echo", "{}", Now + 60_000), CancellationToken.None);
                if (answer.Kind != EnvelopeKind.Reply) Interlocked.Increment(ref failures);
                var length = Math.Max(await db.StreamLengthAsync(hopStream), await db.StreamLengthAsync(replyStream));
                if ((Volatile.Read(ref next) & 1023) == 0) InterlockedMax(ref longest, length);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 128).Select(_ => Task.Run(Sender))).WaitAsync(TimeSpan.FromMinutes(10));

        Assert.Equal(0, failures);
        // MAXLEN ~ trims whole macro nodes (100 entries by default): a bound of 1000 holds at most ~1100.
        var bound = MaxLength + 200;
        Assert.InRange(await db.StreamLengthAsync(hopStream), 0, bound);
        Assert.InRange(await db.StreamLengthAsync(replyStream), 0, bound);
        Assert.InRange(longest, 0, bound);
        Assert.Equal(0, harness.Hub.InFlight);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) != current) current = Interlocked.Read(ref target);
    }
}
