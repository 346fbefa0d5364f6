namespace Portway.Internal.Security;

/// <summary>What <see cref="ReplayCache.TryAdd"/> found.</summary>
internal enum ReplayVerdict
{
    /// <summary>A nonce not seen before, now remembered.</summary>
    Fresh,

    /// <summary>The nonce was seen before: a replay.</summary>
    Replayed,

    /// <summary>Stamped no later than a nonce already forgotten: it cannot be told apart from a replay.</summary>
    BeyondMemory,
}
