using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal;

/// <summary>
/// A worker's answers and acknowledgements, sent together: each queued item is an answer (added to the reply stream
/// its hop names) and/or the hop's entry id (acknowledged), and <see cref="Flush"/> sends everything queued in ONE
/// script call — the answers' <c>XADD ... NOMKSTREAM</c> and one <c>XACK</c> of all the ids — instead of an
/// <c>XADD</c> and an <c>XACK</c> per hop, each awaited. The read loop holds the flush while it starts a batch of hops
/// (<see cref="Hold"/>) so the hops that complete at once share one call; a hop completing later flushes by itself.
/// A hop is acknowledged in the same atomic script as its answer is added, so an answer is never lost while its hop
/// is acknowledged, and a failed call leaves every hop of it pending (claimed again after <c>claim_idle_ms</c>).
/// </summary>
internal sealed class RedisAnswerBatch
{
    /// <summary>
    /// KEYS[1] the hop stream, KEYS[2..n+1] the reply stream of each answer; ARGV[1] the consumer group, ARGV[2] the
    /// reply streams' MAXLEN, ARGV[3] n, ARGV[4..n+3] the answers, ARGV[n+4..] the entry ids to acknowledge.
    /// A reply stream that is gone (its host stopped) takes nothing (NOMKSTREAM); the hop is acknowledged all the same.
    /// </summary>
    internal const string Script = """
        local n = tonumber(ARGV[3])
        for i = 1, n do
          redis.pcall('XADD', KEYS[i + 1], 'NOMKSTREAM', 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[3 + i])
        end
        if #ARGV > n + 3 then
          return redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, n + 4))
        end
        return 0
        """;

    /// <summary>The most items one call carries (Lua's unpack and the argument count stay small).</summary>
    private const int MaxPerCall = 256;

    private readonly RedisConnection _connection;
    private readonly RedisKey _hopStream;
    private readonly RedisValue _maxLength;
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
        _maxLength = maxLength;
        _group = group;
        _logger = logger;
    }

    /// <summary>Script calls sent (for tests and the bench: hops per call).</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Queues an answer to <paramref name="replyStream"/> and the acknowledgement of <paramref name="entryId"/>; sends at once unless held.</summary>
    public void Answer(string replyStream, byte[] answer, string entryId) => Add(new Item(replyStream, answer, entryId));

    /// <summary>Queues the acknowledgement of <paramref name="entryId"/> alone (a hop not answered); sends at once unless held.</summary>
    public void Acknowledge(string entryId) => Add(new Item(null, null, entryId));

    /// <summary>Holds the sending while the read loop starts a batch of hops; <see cref="Release"/> sends what they queued.</summary>
    public void Hold() => Interlocked.Exchange(ref _held, 1);

    /// <summary>Ends <see cref="Hold"/> and sends everything queued.</summary>
    public void Release()
    {
        Interlocked.Exchange(ref _held, 0);
        Flush();
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
    public void Flush()
    {
        while (!_queue.IsEmpty)
        {
            var items = new List<Item>(Math.Min(_queue.Count, MaxPerCall));
            while (items.Count < MaxPerCall && _queue.TryDequeue(out var item)) items.Add(item);
            if (items.Count == 0) return;
            var sent = Send(items);
            if (sent.IsCompleted) continue;
            lock (_sending)
            {
                // Pruned here rather than by a continuation per call (which would cost a thread-pool work item each).
                _sending.RemoveWhere(static t => t.IsCompleted);
                _sending.Add(sent);
            }
        }
    }

    /// <summary>Sends the call for <paramref name="items"/>; the task ends with its reply (a failure is logged, never thrown).</summary>
    private Task Send(List<Item> items)
    {
        var answers = 0;
        foreach (var item in items)
        {
            if (item.Answer is not null) answers++;
        }

        var keys = new RedisKey[answers + 1];
        var values = new RedisValue[3 + answers + items.Count];
        keys[0] = _hopStream;
        values[0] = RedisStreamNames.ConsumerGroup;
        values[1] = _maxLength;
        values[2] = answers;
        var a = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.Answer is not null)
            {
                keys[1 + a] = item.ReplyStream;
                values[3 + a] = item.Answer;
                a++;
            }

            values[3 + answers + i] = item.EntryId;
        }

        Interlocked.Increment(ref _calls);
        try
        {
            if (_connection.DatabaseIfConnected is not { } db) return SendWhenConnectedAsync(keys, values, items.Count);
            // Nothing awaits the reply: the continuation runs only when the call failed (a call that succeeds queues no
            // thread-pool work item to resume a method that has nothing left to do).
            return db.ScriptEvaluateAsync(Script, keys, values).ContinueWith(static (t, state) =>
            {
                var (batch, count) = ((RedisAnswerBatch, int))state!;
                batch.Failed(count, t.Exception?.InnerException?.Message ?? "cancelled");
            }, (this, items.Count), CancellationToken.None, TaskContinuationOptions.NotOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            Failed(items.Count, ex.Message);
            return Task.CompletedTask;
        }
    }

    private async Task SendWhenConnectedAsync(RedisKey[] keys, RedisValue[] values, int count)
    {
        try
        {
            var db = await _connection.DatabaseAsync().ConfigureAwait(false);
            await db.ScriptEvaluateAsync(Script, keys, values).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            Failed(count, ex.Message);
        }
    }

    // Not acknowledged: the hops stay pending and are claimed again after claim_idle_ms.
    private void Failed(int count, string why) => RedisLog.TransportError(_logger, $"answering {count} hop(s) of '{_group}'", why);

    private readonly record struct Item(string? ReplyStream, byte[]? Answer, string EntryId);
}
