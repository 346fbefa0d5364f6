using Portway.Kv;
using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal.Kv;

/// <summary>A watch across a restart of Redis that lost its data: the snapshot it starts from and resumes from, and the data's epoch.</summary>
internal sealed partial class RedisKvStore
{
    /// <summary>Connections restored so far (a watch checks the server's identity after one).</summary>
    private long _reconnects;

    /// <summary>The log position and the current values of the selected keys at that same point (one script).</summary>
    private async Task<(RedisValue Position, SortedDictionary<string, KvChange> Current)> SnapshotAsync(IDatabase db, KvSelector selector)
    {
        var snapshot = (RedisResult[])(await Run(db.ScriptEvaluateAsync(RedisKvScripts.Snapshot, [_log], SnapshotArguments(selector))).ConfigureAwait(false))!;
        var position = (RedisValue)(string)snapshot[0]!;
        var current = new SortedDictionary<string, KvChange>(StringComparer.Ordinal);
        for (var i = 1; i + 2 < snapshot.Length; i += 3)
        {
            var key = (string)snapshot[i]!;
            if (!selector.Matches(key)) continue;
            current[key] = new KvChange(key, KvChangeKind.Current, (byte[])snapshot[i + 1]! ?? [], (long)snapshot[i + 2]);
        }

        return (position, current);
    }

    /// <summary>
    /// The data's epoch: a random id this deployment's kv writes to Redis once (<c>SET NX</c>) and reads back. A Redis
    /// that restarted without its data (persistence off) has none, so the next caller writes a new one: a watch that
    /// sees its epoch change knows the log and the versions it followed are gone. Null when Redis cannot be reached now.
    /// </summary>
    private async Task<string?> DataEpochAsync(IDatabase db)
    {
        try
        {
            var epoch = await db.ScriptEvaluateAsync(EpochScript, [_log.Append("-epoch")], [Guid.NewGuid().ToString("N")]).ConfigureAwait(false);
            return (string?)epoch;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }
    }

    private const string EpochScript = "redis.call('SET', KEYS[1], ARGV[1], 'NX')\nreturn redis.call('GET', KEYS[1])";

    /// <summary>
    /// What a watch reports after Redis restarted: each key it had seen that is gone now as deleted, and each key there
    /// is now as set (their versions restarted, so every one is news to the watch); <paramref name="seen"/> becomes the new state.
    /// </summary>
    private static List<KvChange> Resync(Dictionary<string, long> seen, SortedDictionary<string, KvChange> current)
    {
        var changes = new List<KvChange>();
        foreach (var (key, version) in seen.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            if (!current.ContainsKey(key)) changes.Add(new KvChange(key, KvChangeKind.Deleted, ReadOnlyMemory<byte>.Empty, version));
        }

        seen.Clear();
        foreach (var change in current.Values)
        {
            seen[change.Key] = change.Version;
            changes.Add(change with { Kind = KvChangeKind.Set });
        }

        return changes;
    }

    private void KvLogRestarted() => RedisKvLog.WatchResynced(_logger);
}
