using StackExchange.Redis;

namespace Portway.Testing;

/// <summary>
/// Counts what the redis transport's streams hold in envelopes rather than entries: hops (or answers) sent together
/// share one entry, one <c>e</c> field each, so a test that means "N hops" or "N answers" counts fields, not entries.
/// </summary>
public static class RedisStreamProbe
{
    /// <summary>The envelopes in <paramref name="stream"/> (non-empty <c>e</c> fields: a reply stream's creation entry has an empty one).</summary>
    public static async Task<long> EnvelopesAsync(IDatabase db, RedisKey stream)
    {
        ArgumentNullException.ThrowIfNull(db);
        long count = 0;
        foreach (var entry in await db.StreamRangeAsync(stream).ConfigureAwait(false)) count += Envelopes(entry);
        return count;
    }

    /// <summary>The envelopes of the entries pending in <paramref name="group"/> of <paramref name="stream"/>, all or <paramref name="consumer"/>'s only.</summary>
    public static async Task<long> PendingEnvelopesAsync(IDatabase db, RedisKey stream, string group, string? consumer = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        var pending = await db.StreamPendingMessagesAsync(stream, group, 10_000, consumer ?? RedisValue.Null).ConfigureAwait(false);
        long count = 0;
        foreach (var message in pending)
        {
            var entries = await db.StreamRangeAsync(stream, message.MessageId, message.MessageId).ConfigureAwait(false);
            foreach (var entry in entries) count += Envelopes(entry);
        }

        return count;
    }

    private static int Envelopes(StreamEntry entry) => entry.Values.Count(v => v.Name == "e" && !v.Value.IsNullOrEmpty);
}
