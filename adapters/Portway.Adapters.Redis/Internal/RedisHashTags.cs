namespace Portway.Adapters.Redis.Internal;

/// <summary>
/// Key names that keep Redis Cluster working: a multi-key script runs only when all its keys hash to one slot, and a
/// key's slot is taken from its hash tag (the part between the first <c>{</c> and the next <c>}</c>) when it has one.
/// Each area of a deployment whose scripts or pipelined calls span several keys (the transport, the kv store, the response cache) keeps
/// all its keys under one tag, <c>{key_prefix:area}</c>; areas and deployments land on different slots. A single Redis
/// ignores the braces.
/// </summary>
internal static class RedisHashTags
{
    /// <summary><c>{prefix:area}</c>: the start of every key of <paramref name="area"/> in the deployment <paramref name="prefix"/>.</summary>
    public static string Area(string prefix, string area) => "{" + prefix + ":" + area + "}";
}
