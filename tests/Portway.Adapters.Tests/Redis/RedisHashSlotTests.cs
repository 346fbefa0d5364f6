using Portway.Adapters.Redis.Internal;
using Portway.Adapters.Redis.Internal.Kv;
using Portway.Adapters.Redis.Internal.Policies;
using Portway.Testing;
using StackExchange.Redis;

namespace Portway.Adapters.Tests.Redis;

/// <summary>
/// The keys each multi-key script names (or reaches from its arguments) hash to one Redis Cluster slot, as the cluster
/// itself computes it (<c>CLUSTER KEYSLOT</c> on a real cluster-mode <c>redis-server</c>), for deployments whose
/// <c>key_prefix</c> uses every character the config allows; and different areas or deployments are not all on one slot.
/// </summary>
public sealed class RedisHashSlotTests : IClassFixture<RedisClusterFixture>
{
    private static readonly string[] Prefixes = ["portway", "shop-eu.v2:blue", "a", "bench", "x_y-z.1:2:3"];
    private readonly RedisClusterFixture _redis;

    public RedisHashSlotTests(RedisClusterFixture redis) => _redis = redis;

    [Fact]
    public async Task TransportKeys_OfADeployment_ShareOneSlot()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString + ",allowAdmin=true");
        foreach (var prefix in Prefixes)
        {
            // The worker's answer script: the hop stream of any group and the reply stream of any host, in one call.
            string[] keys =
            [
                RedisStreamNames.Hops(prefix, "cpu_sync"), RedisStreamNames.Hops(prefix, "child"), RedisStreamNames.Hops(prefix, "g-2.x"),
                RedisStreamNames.Replies(prefix, "host-a1b2c3"), RedisStreamNames.Replies(prefix, "7f3e"),
                RedisStreamNames.Workers(prefix, "cpu_sync"), RedisStreamNames.Worker(prefix, "cpu_sync", "cpu_sync-1"),
            ];
            await AssertOneSlotAsync(redis, keys);
        }
    }

    [Fact]
    public async Task KvKeys_OfADeployment_ShareOneSlot()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString + ",allowAdmin=true");
        foreach (var prefix in Prefixes)
        {
            var root = RedisKvStore.Root(prefix);
            // The write scripts' KEYS (hash, counter, log, expiry set) and the hashes the sweep and snapshot reach by name.
            await AssertOneSlotAsync(redis, [root + "v:tenants/acme/profiles/alice", root + "v:{odd}key", root + "v:", root + "rev", root + "log", root + "exp", root + "v:-"]);
        }
    }

    [Fact]
    public async Task CacheKeys_OfADeployment_ShareOneSlot()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString + ",allowAdmin=true");
        foreach (var prefix in Prefixes)
        {
            // Store: the entry and its tag sets; clear: the tag set and the entries it lists.
            await AssertOneSlotAsync(redis, [RedisResponseCacheStore.Key(prefix, "v:POST /v1/echo|acme|{\"a\":1}"), RedisResponseCacheStore.Key(prefix, "t:echo"), RedisResponseCacheStore.Key(prefix, "t:tenant:acme")]);
        }
    }

    [Fact]
    public async Task Areas_AndDeployments_AreNotAllOnOneSlot()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString + ",allowAdmin=true");
        var slots = new HashSet<long>();
        foreach (var prefix in Prefixes)
        {
            slots.Add(await SlotAsync(redis, RedisStreamNames.Hops(prefix, "g")));
            slots.Add(await SlotAsync(redis, RedisKvStore.Root(prefix) + "rev"));
            slots.Add(await SlotAsync(redis, RedisResponseCacheStore.Key(prefix, "t:x")));
        }

        Assert.True(slots.Count >= 10, $"15 areas spread over {slots.Count} slot(s)");
    }

    private static async Task AssertOneSlotAsync(ConnectionMultiplexer redis, string[] keys)
    {
        var slots = new Dictionary<string, long>();
        foreach (var key in keys) slots[key] = await SlotAsync(redis, key);
        Assert.True(slots.Values.Distinct().Count() == 1, "one slot expected: " + string.Join(", ", slots.Select(s => $"{s.Key} → {s.Value}")));
    }

    private static async Task<long> SlotAsync(ConnectionMultiplexer redis, string key) =>
        (long)await redis.GetServer(redis.GetEndPoints()[0]).ExecuteAsync("CLUSTER", "KEYSLOT", key);
}
