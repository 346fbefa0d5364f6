using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal;

/// <summary>
/// Reads the RESP2 reply of <c>XREAD</c>/<c>XREADGROUP</c> run through <c>ExecuteAsync</c> (StackExchange.Redis has
/// no blocking stream read, so the transport sends the command itself on a dedicated connection):
/// <c>[[stream, [[id, [field, value, ...]], ...]], ...]</c>, or null when the block timed out.
/// </summary>
internal static class RedisStreamEntries
{
    /// <summary>The (id, envelope bytes) entries of a single-stream read; entries without the envelope field get empty bytes.</summary>
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
                entries.Add((id, EnvelopeOf(fields)));
            }
        }

        return entries;
    }

    /// <summary>The envelope bytes of a claimed entry.</summary>
    public static byte[] EnvelopeOf(StreamEntry entry)
    {
        var value = entry[RedisStreamNames.EnvelopeField];
        return value.IsNull ? [] : (byte[])value!;
    }

    private static byte[] EnvelopeOf(RedisResult[]? fields)
    {
        if (fields is null) return [];
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            if ((string?)fields[i] == RedisStreamNames.EnvelopeField) return (byte[]?)fields[i + 1] ?? [];
        }

        return [];
    }
}
