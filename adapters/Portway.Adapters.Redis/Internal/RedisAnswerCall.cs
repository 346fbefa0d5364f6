using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal;

/// <summary>
/// What one call of <see cref="RedisAnswerBatch"/> sends: the answers grouped by reply stream (one entry each), the hop
/// entries it acknowledges, and the entries that wait for this call's answers to be accepted before their
/// acknowledgement (<see cref="RedisHopEntry.Take"/> decides which, entry by entry).
/// </summary>
internal sealed class RedisAnswerCall
{
    private RedisAnswerCall(int hops) => Hops = hops;

    /// <summary>The finished hops the call carries.</summary>
    public int Hops { get; }

    /// <summary>Per reply stream, the answers going there (usually one stream: a worker mostly answers one host at a time).</summary>
    public List<(RedisKey Stream, List<NameValueEntry> Answers)> Replies { get; } = [];

    /// <summary>The hop entries acknowledged by this call, after its answers.</summary>
    public List<RedisValue> Acknowledge { get; } = [];

    /// <summary>The hop entries to confirm once this call's answers are accepted.</summary>
    public List<RedisHopEntry> Confirm { get; } = [];

    public static RedisAnswerCall Compose(List<RedisAnswerBatch.Item> items)
    {
        var call = new RedisAnswerCall(items.Count);
        // Per entry, how many of its hops this call carries and whether any adds an answer (a call holds a few entries).
        var entries = new List<(RedisHopEntry Entry, int Items, bool Answers)>();
        foreach (var item in items)
        {
            if (item.Answer is { } answer) call.AddAnswer(item.ReplyStream!, answer);
            var at = 0;
            while (at < entries.Count && !ReferenceEquals(entries[at].Entry, item.Entry)) at++;
            if (at == entries.Count) entries.Add((item.Entry, 0, false));
            entries[at] = (item.Entry, entries[at].Items + 1, entries[at].Answers || item.Answer is not null);
        }

        foreach (var (entry, taken, answers) in entries)
        {
            switch (entry.Take(taken, answers))
            {
                case RedisAckPlan.AcknowledgeInCall:
                    call.Acknowledge.Add(entry.Id);
                    break;
                case RedisAckPlan.ConfirmFirst:
                    call.Confirm.Add(entry);
                    break;
            }
        }

        return call;
    }

    private void AddAnswer(string stream, byte[] answer)
    {
        var pair = new NameValueEntry(RedisStreamNames.EnvelopeField, answer);
        foreach (var (key, answers) in Replies)
        {
            if (key == stream)
            {
                answers.Add(pair);
                return;
            }
        }

        Replies.Add((stream, [pair]));
    }
}
