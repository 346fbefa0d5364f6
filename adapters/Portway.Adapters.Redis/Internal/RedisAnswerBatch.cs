using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal;

/// <summary>
/// A worker's answers and acknowledgements, sent together: each queued item is a finished hop of a
/// <see cref="RedisHopEntry"/> — its answer (to the reply stream the hop names) or none (a hop skipped) — and
/// <see cref="Flush"/> sends everything queued in one call: per reply stream ONE <c>XADD ... NOMKSTREAM</c> whose entry
/// carries all the answers going there, then one <c>XACK</c> of the hop entries the call finishes. Plain commands,
/// pipelined in that order on one connection (no script: Redis copies no envelope through Lua). The read loop holds the
/// flush while it starts a read's hops (<see cref="Hold"/>) so the hops that complete at once share one call, sent on
/// the read's own connection just ahead of its next read (one write; under load one reply with its result); a hop
/// completing later flushes by itself on the shared connection. An entry is acknowledged only after all its answers (<see cref="RedisHopEntry"/>):
/// a failed call leaves its entries pending (claimed and run again after <c>claim_idle_ms</c>), never acknowledged
/// without an answer that was lost.
/// </summary>
internal sealed class RedisAnswerBatch
{
    /// <summary>The most items one call carries (so the most answers one reply-stream entry holds).</summary>
    internal const int MaxPerCall = 64;

    private readonly RedisConnection _connection;
    private readonly RedisKey _hopStream;
    private readonly StreamAddOptions _replyAdd;
    private readonly string _group;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<Item> _queue = new();
    private readonly HashSet<Task> _sending = [];
    private int _held;
    private long _calls;

    public RedisAnswerBatch(RedisConnection connection, string hopStream, int maxLength, string group, ILogger logger)
    {
        _connection = connection;
        _hopStream = hopStream;
        // NOMKSTREAM: a reply stream that is gone (its host stopped) takes nothing; the hop is acknowledged all the same.
        _replyAdd = new StreamAddOptions { CreateStream = false, MaxLength = maxLength, Approximate = true };
        _group = group;
        _logger = logger;
    }

    /// <summary>Calls sent (for tests and the bench: hops per call).</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Queues the answer of a hop of <paramref name="entry"/> to <paramref name="replyStream"/>; sends at once unless held.</summary>
    public void Answer(string replyStream, byte[] answer, RedisHopEntry entry) => Add(new Item(replyStream, answer, entry));

    /// <summary>Queues a hop of <paramref name="entry"/> finished without an answer (skipped); sends at once unless held.</summary>
    public void Acknowledge(RedisHopEntry entry) => Add(new Item(null, null, entry));

    /// <summary>Holds the sending while the read loop starts a batch of hops; <see cref="Release"/> sends what they queued.</summary>
    public void Hold() => Interlocked.Exchange(ref _held, 1);

    /// <summary>Ends <see cref="Hold"/> and sends everything queued (on <paramref name="via"/> when given: the read loop's connection).</summary>
    public void Release(IDatabase? via = null)
    {
        Interlocked.Exchange(ref _held, 0);
        Flush(via);
    }

    /// <summary>The calls in flight, as tasks that end with them and never fault (a stopping worker waits for them).</summary>
    public Task[] Sending()
    {
        lock (_sending)
        {
            return [.. _sending.Select(static t => t.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default))];
        }
    }

    private void Add(Item item)
    {
        _queue.Enqueue(item);
        // Enqueue (a full fence) before reading the hold: a release that follows sees this item when it flushes.
        if (Volatile.Read(ref _held) == 0) Flush();
    }

    /// <summary>Sends everything queued now, in calls of at most <see cref="MaxPerCall"/> items (not awaited: tracked).</summary>
    public void Flush(IDatabase? via = null)
    {
        while (!_queue.IsEmpty)
        {
            var items = new List<Item>(Math.Min(_queue.Count, MaxPerCall));
            while (items.Count < MaxPerCall && _queue.TryDequeue(out var item)) items.Add(item);
            if (items.Count == 0) return;
            Track(Send(RedisAnswerCall.Compose(items), via));
        }
    }

    private void Track(Task sent)
    {
        if (sent.IsCompleted) return;
        lock (_sending)
        {
            // Pruned here rather than by a continuation per call (which would cost a thread-pool work item each).
            _sending.RemoveWhere(static t => t.IsCompleted);
            _sending.Add(sent);
        }
    }

    /// <summary>Sends <paramref name="call"/>; the task ends with its last command (a failure is logged, never thrown).</summary>
    private Task Send(RedisAnswerCall call, IDatabase? via)
    {
        Interlocked.Increment(ref _calls);
        try
        {
            if (via is not null && via.Multiplexer.IsConnected) return Issue(via, call);
            return _connection.DatabaseIfConnected is { } db ? Issue(db, call) : SendWhenConnectedAsync(call);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            Failed(call.Hops, ex.Message);
            return Task.CompletedTask;
        }
    }

    private async Task SendWhenConnectedAsync(RedisAnswerCall call)
    {
        try
        {
            var db = await _connection.DatabaseAsync().ConfigureAwait(false);
            await Issue(db, call).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            Failed(call.Hops, ex.Message);
        }
    }

    /// <summary>
    /// Writes the call's commands in order — the answers' <c>XADD</c>s, then the <c>XACK</c> — on one connection, without
    /// waiting between them. A call that no entry waits on (the common case: each entry it carries is acknowledged in
    /// it, after its answers) is fire-and-forget: no reply to complete, no thread-pool work item. Should it be lost (the
    /// connection drops; the connection logs that), its entries stay pending and are claimed and run again after
    /// <c>claim_idle_ms</c>: an entry is never acknowledged ahead of its answers, as the <c>XACK</c> follows them on the
    /// same connection. A call whose answers entries wait on (<see cref="RedisAckPlan.ConfirmFirst"/>) is awaited: its
    /// confirmation acknowledges them, a failure is logged and leaves them pending.
    /// </summary>
    private Task Issue(IDatabase db, RedisAnswerCall call)
    {
        if (call.Confirm.Count == 0)
        {
            foreach (var (stream, pairs) in call.Replies) db.StreamAdd(stream, [.. pairs], _replyAdd, CommandFlags.FireAndForget);
            if (call.Acknowledge.Count > 0) db.StreamAcknowledge(_hopStream, RedisStreamNames.ConsumerGroup, [.. call.Acknowledge], CommandFlags.FireAndForget);
            return Task.CompletedTask;
        }

        // Entries wait on this call (ConfirmFirst is given only to entries it carries answers of): every command awaited.
        var answers = Task.WhenAll(call.Replies.Select(reply => (Task)db.StreamAddAsync(reply.Stream, [.. reply.Answers], _replyAdd)));
        var confirmed = answers.ContinueWith(static (t, state) =>
        {
            var (batch, call) = ((RedisAnswerBatch, RedisAnswerCall))state!;
            if (t.IsCompletedSuccessfully) batch.Confirmed(call.Confirm);
            else batch.Failed(call.Hops, t.Exception?.InnerException?.Message ?? "cancelled");
        }, (this, call), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        if (call.Acknowledge.Count == 0) return confirmed;
        return Task.WhenAll(confirmed, OnFailure(db.StreamAcknowledgeAsync(_hopStream, RedisStreamNames.ConsumerGroup, [.. call.Acknowledge]), call.Hops));
    }

    /// <summary>Entries whose earlier answers are now all accepted: acknowledged by an <c>XACK</c> of their own.</summary>
    private void Confirmed(List<RedisHopEntry> entries)
    {
        List<RedisValue>? ids = null;
        foreach (var entry in entries)
        {
            if (entry.Confirm()) (ids ??= []).Add(entry.Id);
        }

        if (ids is null) return;
        try
        {
            if (_connection.DatabaseIfConnected is { } db) Track(OnFailure(db.StreamAcknowledgeAsync(_hopStream, RedisStreamNames.ConsumerGroup, [.. ids]), ids.Count));
            else Failed(ids.Count, $"redis is unreachable ({_connection.Description})");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            Failed(ids.Count, ex.Message);
        }
    }

    private Task OnFailure(Task command, int hops) => command.ContinueWith(static (t, state) =>
    {
        var (batch, count) = ((RedisAnswerBatch, int))state!;
        batch.Failed(count, t.Exception?.InnerException?.Message ?? "cancelled");
    }, (this, hops), CancellationToken.None, TaskContinuationOptions.NotOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    // Not acknowledged: the entries stay pending and are claimed again after claim_idle_ms.
    private void Failed(int count, string why) => RedisLog.TransportError(_logger, $"answering {count} hop(s) of '{_group}'", why);

    /// <summary>A finished hop: its answer and where it goes (none for a hop skipped), and the entry it came in.</summary>
    internal readonly record struct Item(string? ReplyStream, byte[]? Answer, RedisHopEntry Entry);
}
