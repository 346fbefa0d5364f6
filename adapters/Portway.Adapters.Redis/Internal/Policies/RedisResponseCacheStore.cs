using Microsoft.Extensions.Logging;
using Portway.Policies;
using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal.Policies;

/// <summary>
/// The response cache every host shares (<see cref="IResponseCacheStore"/>) on the shared connection: an entry is a
/// string key <c>{key_prefix:cache}:v:{key}</c> with its time to live, each tag a set <c>{key_prefix:cache}:t:{tag}</c>
/// of entry keys that lives as long as its longest entry; storing is one script, clearing a tag is one script (both span
/// an entry and tag sets, so all share one Redis Cluster hash tag). A Redis
/// that cannot be reached is a miss and stores nothing (logged); a clear answers <c>unavailable</c>.
/// </summary>
internal sealed class RedisResponseCacheStore(RedisConnection connection, ILogger<RedisResponseCacheStore> logger) : IResponseCacheStore
{
    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            var db = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
            return db is null ? null : (byte[]?)await db.StringGetAsync(CacheKey("v:" + key)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            RedisPolicyLog.StoreUnavailable(logger, "response cache", ex.Message);
            return null;
        }
    }

    public async ValueTask SetAsync(string key, byte[] value, IReadOnlyList<string> tags, TimeSpan validFor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(tags);
        try
        {
            if (await DatabaseAsync(cancellationToken).ConfigureAwait(false) is not { } db) return;
            var keys = new RedisKey[tags.Count + 1];
            keys[0] = CacheKey("v:" + key);
            for (var i = 0; i < tags.Count; i++) keys[i + 1] = CacheKey("t:" + tags[i]);
            await db.ScriptEvaluateAsync(RedisPolicyScripts.CacheSet, keys, [value, Math.Max(1, (long)validFor.TotalMilliseconds)]).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            RedisPolicyLog.StoreUnavailable(logger, "response cache", ex.Message);
        }
    }

    public async ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        try
        {
            var db = await DatabaseAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new PortwayException(ErrorCode.Unavailable, "the response cache (redis) is unreachable; try the clear again");
            await db.ScriptEvaluateAsync(RedisPolicyScripts.CacheEvict, [CacheKey("t:" + tag)]).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new PortwayException(ErrorCode.Unavailable, "the response cache (redis) is unreachable: " + ex.Message);
        }
    }

    /// <summary>A key of the cache: <c>{key_prefix:cache}:</c> and <paramref name="name"/>.</summary>
    internal static string Key(string prefix, string name) => RedisHashTags.Area(prefix, "cache") + ":" + name;

    private RedisKey CacheKey(string name) => Key(connection.KeyPrefix, name);

    /// <summary>The database when Redis can be reached now, else null (no waiting behind a dead connection).</summary>
    private async ValueTask<IDatabase?> DatabaseAsync(CancellationToken cancellationToken)
    {
        var db = connection.DatabaseIfConnected ?? await connection.DatabaseAsync(cancellationToken).ConfigureAwait(false);
        return connection.IsConnected ? db : null;
    }
}
