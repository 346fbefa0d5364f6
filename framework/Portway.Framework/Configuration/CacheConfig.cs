namespace Portway.Configuration;

/// <summary><c>cache</c> of an http endpoint: successful answers are kept <c>ttl_s</c> seconds (memory store, per host).</summary>
public sealed class CacheConfig
{
    /// <summary><c>ttl_s</c> (required): how long an answer is served from the cache.</summary>
    public int TtlS { get; set; }

    /// <summary><c>shared</c>: one entry for every caller (the key leaves the subject out; it keeps the tenant). Defaults to false.</summary>
    public bool Shared { get; set; }
}
