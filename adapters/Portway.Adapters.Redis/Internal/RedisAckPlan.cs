namespace Portway.Adapters.Redis.Internal;

/// <summary>What a worker's answer call does about one hop entry it carries hops of (see <see cref="RedisHopEntry.Take"/>).</summary>
internal enum RedisAckPlan
{
    /// <summary>Hops of the entry are still running, or earlier calls are unconfirmed and this one adds no answer.</summary>
    None,

    /// <summary>This call finishes the entry: its <c>XACK</c> goes in the call, after the answers.</summary>
    AcknowledgeInCall,

    /// <summary>This call's answers must be accepted before the entry is acknowledged (by an <c>XACK</c> of its own).</summary>
    ConfirmFirst,
}
