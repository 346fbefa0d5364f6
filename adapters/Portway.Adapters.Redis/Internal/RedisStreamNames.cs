namespace Portway.Adapters.Redis.Internal;

/// <summary>
/// The Redis keys of the transport, all under <c>{key_prefix:ipc}:</c> so deployments sharing one Redis never meet:
/// a hop stream per group, a reply stream per host instance, and the live-worker index of each group. The braces are a
/// Redis Cluster hash tag: every key of a deployment's transport hashes to one slot (one shard), so a worker's pipelined
/// answers (<c>XADD</c> to reply streams) and acknowledgement (<c>XACK</c> of the hop stream) go to one node in order
/// (a single Redis ignores the braces).
/// </summary>
internal static class RedisStreamNames
{
    /// <summary>The consumer group every worker of a process group reads the group's hop stream in.</summary>
    public const string ConsumerGroup = "workers";

    /// <summary>The one field of every stream entry: the signed, encoded envelope.</summary>
    public const string EnvelopeField = "e";

    /// <summary>The header an answer carries back: the id of the hop it answers.</summary>
    public const string HopHeader = "hop";

    /// <summary>The header a hop carries when its <c>reply_to</c> names no instance: the instance to answer.</summary>
    public const string ReplyInstanceHeader = "reply_instance";

    /// <summary>The start of every transport key of the deployment <paramref name="prefix"/>: its hash tag.</summary>
    public static string Root(string prefix) => RedisHashTags.Area(prefix, "ipc");

    public static string Hops(string prefix, string group) => $"{Root(prefix)}:hops:{group}";

    public static string Replies(string prefix, string instance) => $"{Root(prefix)}:replies:{instance}";

    /// <summary>A sorted set: member = worker id, score = when its announcement expires (Unix ms).</summary>
    public static string Workers(string prefix, string group) => $"{Root(prefix)}:workers:{group}";

    /// <summary>The expiring key a worker announces itself with.</summary>
    public static string Worker(string prefix, string group, string workerId) => $"{Root(prefix)}:worker:{group}:{workerId}";

    /// <summary>The instance a hop's answer goes to: <c>reply_to</c>'s part before '/', else the reply_instance header.</summary>
    public static string? ReplyInstance(Envelope hop)
    {
        var slash = hop.ReplyTo.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0) return hop.ReplyTo[..slash];
        return hop.Headers.TryGetValue(ReplyInstanceHeader, out var instance) && instance.Length > 0 ? instance : null;
    }
}
