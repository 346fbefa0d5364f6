using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal;

/// <summary>
/// Reads the RESP2 reply of <c>XREAD</c>/<c>XREADGROUP</c> run through <c>ExecuteAsync</c> (StackExchange.Redis has
/// no blocking stream read, so the transport sends the command itself on a dedicated connection):
/// <c>[[stream, [[id, [field, value, ...]], ...]], ...]</c>, or null when the block timed out. An entry carries one
/// or more envelopes (every <c>e</c> field is one: hops or answers sent together share an entry).
/// </summary>
internal static class RedisStreamEntries
{
    /// <summary>
    /// The (entry id, envelope bytes) pairs of a single-stream read, one per envelope, in order: the envelopes of one
    /// entry are adjacent and share its id. An entry without an envelope field gives one pair with empty bytes.
    /// </summary>
    public static List<(string Id, byte[] Envelope)> Parse(RedisResult result)
    {
        var entries = new List<(string, byte[])>();
        if (result.IsNull) return entries;
        var streams = (RedisResult[]?)result;
        if (streams is null) return entries;
        foreach (var stream in streams)
        {
            var pair = (RedisResult[]?)stream;
            if (pair is not { Length: 2 }) continue;
            var items = (RedisResult[]?)pair[1];
            if (items is null) continue;
            foreach (var item in items)
            {
                var parts = (RedisResult[]?)item;
                if (parts is not { Length: 2 }) continue;
                var id = (string?)parts[0] ?? "";
                var fields = (RedisResult[]?)parts[1];
                var before = entries.Count;
                for (var i = 0; fields is not null && i + 1 < fields.Length; i += 2)
                {
                    if ((string?)fields[i] == RedisStreamNames.EnvelopeField) entries.Add((id, (byte[]?)fields[i + 1] ?? []));
                }

                if (entries.Count == before) entries.Add((id, []));
            }
        }

        return entries;
    }

    /// <summary>The envelopes of a claimed entry (one with empty bytes when it has none).</summary>
    public static List<byte[]> EnvelopesOf(StreamEntry entry)
    {
        var envelopes = new List<byte[]>(entry.Values.Length);
        foreach (var field in entry.Values)
        {
            if (field.Name == RedisStreamNames.EnvelopeField) envelopes.Add(field.Value.IsNull ? [] : (byte[])field.Value!);
        }

        if (envelopes.Count == 0) envelopes.Add([]);
        return envelopes;
    }
}
