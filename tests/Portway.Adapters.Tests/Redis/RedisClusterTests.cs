using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Portway.Adapters.Redis.Internal;
using Portway.Adapters.Redis.Internal.Policies;
using Portway.Configuration;
using Portway.Testing;
using Portway.Transport;

namespace Portway.Adapters.Tests.Redis;

/// <summary>
/// The redis transport, the shared response cache and the shared rate limits against a real <c>redis-server</c> in
/// cluster mode: it refuses (<c>CROSSSLOT</c>) a command or script whose keys hash to different slots, as a cluster of
/// many nodes does, so what passes here keeps each script within one slot.
/// </summary>
public sealed class RedisClusterTests : IClassFixture<RedisClusterFixture>
{
    private readonly RedisClusterFixture _redis;

    public RedisClusterTests(RedisClusterFixture redis) => _redis = redis;

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    [Fact]
    public async Task Hops_ManyAtOnce_AreAnsweredAndAcknowledged_OnACluster()
    {
        await using var harness = new RedisTransportHarness(_redis, "c" + EnvelopeIds.NewId()[..10]);
        var worker = await harness.StartWorkerAsync("w1");
        await harness.WaitLiveAsync();

        // 200 at once: the host's batched hop entries and the worker's answer calls (reply stream XADD + hop stream XACK).
        // A command refused by the cluster leaves its callers unanswered: the wait ends (and fails) after a minute.
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            harness.Transport.SendAsync(harness.Hop("echo/echo", $"{{\"n\":{i}}}", Now + 60_000), wait.Token).AsTask()));

        for (var i = 0; i < answers.Length; i++)
        {
            Assert.Equal(EnvelopeKind.Reply, answers[i].Kind);
            Assert.Equal($"{{\"n\":{i}}}", Encoding.UTF8.GetString(answers[i].Payload.Span));
        }

        Assert.Equal(0, harness.Hub.InFlight);
        Assert.Equal(200, worker.Ran);
        Assert.True(worker.AnswerCalls < 200, $"answers were batched ({worker.AnswerCalls} calls for 200 hops)");
        var pending = await harness.Connection.DatabaseIfConnected!.StreamPendingAsync(RedisStreamNames.Hops(harness.Connection.KeyPrefix, "far"), RedisStreamNames.ConsumerGroup);
        Assert.Equal(0, pending.PendingMessageCount);
    }

    [Fact]
    public async Task ResponseCache_StoresWithTags_AndClearsByTag_OnACluster()
    {
        await using var connection = Connect("cache");
        await connection.ConnectAsync();
        var cache = new RedisResponseCacheStore(connection, NullLogger<RedisResponseCacheStore>.Instance);

        await cache.SetAsync("route-a", "one"u8.ToArray(), ["pipeline-x", "tenant-y"], TimeSpan.FromMinutes(1));
        await cache.SetAsync("route-b", "two"u8.ToArray(), ["pipeline-z"], TimeSpan.FromMinutes(1));
        Assert.Equal("one"u8.ToArray(), await cache.GetAsync("route-a"));

        await cache.EvictByTagAsync("tenant-y");

        Assert.Null(await cache.GetAsync("route-a"));
        Assert.Equal("two"u8.ToArray(), await cache.GetAsync("route-b"));
    }

    [Fact]
    public async Task RateLimits_CountInRedis_OnACluster()
    {
        await using var connection = Connect("rl");
        await connection.ConnectAsync();
        var limits = new RedisRateLimitStore(connection);
        var now = DateTimeOffset.UtcNow;

        foreach (var kind in new[] { "fixed", "sliding", "token_bucket" })
        {
            var limit = new RateLimitConfig { Kind = kind, Permit = 2, WindowS = 60 };
            Assert.True((await limits.TryAcquireAsync("caller", limit, now)).Acquired, kind);
            Assert.True((await limits.TryAcquireAsync("caller", limit, now)).Acquired, kind);
            Assert.False((await limits.TryAcquireAsync("caller", limit, now)).Acquired, kind);
        }
    }

    private RedisConnection Connect(string what) =>
        new(new RedisConfig { Connection = _redis.ConnectionString, KeyPrefix = what + "-" + Guid.NewGuid().ToString("N")[..8] }, environment: null, NullLogger.Instance);
}
