using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal;

/// <summary>
/// What one call of <see cref="RedisAnswerBatch"/> sends: the answers grouped by reply stream (one entry each), the hop
/// entries it acknowledges, and the entries that wait for this call's answers to be accepted before their
/// acknowledgement (<see cref="RedisHopEntry.Take"/> decides which, entry by entry).
/// </summary>
internal sealed class RedisAnswerCall
{
    /// <summary>Marks an item already counted with its entry.</summary>
    private static readonly RedisHopEntry Taken = new("", 0);

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
        var i = 0;
        while (i < items.Count)
        {
            // The hops of one entry mostly finish together: take the run of items of the same entry at once.
            var entry = items[i].Entry;
            var taken = 0;
            var answers = false;
            for (var j = i; j < items.Count; j++)
            {
                if (!ReferenceEquals(items[j].Entry, entry)) continue;
                taken++;
                if (items[j].Answer is { } answer)
                {
                    answers = true;
                    call.AddAnswer(items[j].ReplyStream!, answer);
                }

                // Counted with its entry now: the outer loop skips it.
                if (j != i) items[j] = items[j] with { Entry = Taken };
            }

            switch (entry.Take(taken, answers))
            {
                case RedisAckPlan.AcknowledgeInCall:
                    call.Acknowledge.Add(entry.Id);
                    break;
                case RedisAckPlan.ConfirmFirst:
                    call.Confirm.Add(entry);
                    break;
            }

            do i++;
            while (i < items.Count && ReferenceEquals(items[i].Entry, Taken));
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
