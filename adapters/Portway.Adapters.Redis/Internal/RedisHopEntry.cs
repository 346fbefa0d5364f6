namespace Portway.Adapters.Redis.Internal;

/// <summary>
/// One entry of a hop stream being run by a worker: it carries one or more hops (a host sends the hops that queue
/// while its previous call is in flight as one entry), and it is acknowledged — one <c>XACK</c> of its id — only when
/// every hop of it has its answer (or was skipped) in a call, and every call that carried its answers was accepted by
/// Redis. The common case (all its hops answered in one call) acknowledges in that same call, after the answers.
/// A call that fails is never confirmed: the entry stays pending and is claimed and run again as a whole after
/// <c>claim_idle_ms</c>; the hops of it already answered answer twice, and the host drops the second answer.
/// </summary>
internal sealed class RedisHopEntry
{
    private readonly Lock _gate = new();
    private int _open;
    private int _unconfirmed;

    public RedisHopEntry(string id, int hops)
    {
        Id = id;
        _open = hops;
    }

    /// <summary>The stream entry id.</summary>
    public string Id { get; }

    /// <summary>
    /// A call takes <paramref name="items"/> finished hops of this entry (<paramref name="answers"/>: whether any of them
    /// adds an answer). Returns whether the call acknowledges the entry itself (after its answers), must confirm its
    /// answers were accepted before the entry may be acknowledged (<see cref="Confirm"/>), or neither.
    /// </summary>
    public RedisAckPlan Take(int items, bool answers)
    {
        lock (_gate)
        {
            _open -= items;
            if (_open == 0 && _unconfirmed == 0) return RedisAckPlan.AcknowledgeInCall;
            if (!answers) return RedisAckPlan.None;
            _unconfirmed++;
            return RedisAckPlan.ConfirmFirst;
        }
    }

    /// <summary>A call that carried answers of this entry was accepted: true when the entry is to be acknowledged now.</summary>
    public bool Confirm()
    {
        lock (_gate)
        {
            _unconfirmed--;
            return _open == 0 && _unconfirmed == 0;
        }
    }
}
