using Microsoft.Extensions.Logging;
using Portway.Transport;
using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal;

internal sealed partial class RedisReplyHub
{
    /// <summary>Decodes and verifies answers (the process's one wire: its replay cache).</summary>
    public EnvelopeWire Wire { get; }

    /// <summary>
    /// Reads this instance's reply stream with a blocking XREAD on a dedicated connection (a blocked read on the shared
    /// multiplexer would stall every other command), from the start: the stream is this instance's alone.
    /// Each read is sent before the answers of the previous one complete their waiters, so answers arriving meanwhile
    /// wait in Redis's reply, not for the next command. On a Redis error it waits a moment and reads again; the
    /// dedicated connection reconnects by itself.
    /// </summary>
    private async Task ReadRepliesAsync()
    {
        ConnectionMultiplexer? dedicated = null;
        CancellationTokenRegistration closeOnStop = default;
        var lastId = "0-0";
        RedisKey stream = ReplyStream;
        Task<RedisResult>? next = null;
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                try
                {
                    if (dedicated is null)
                    {
                        dedicated = await _connection.OpenDedicatedAsync("replies", Block, _stopping.Token).ConfigureAwait(false);
                        // Stopping closes the connection, which ends the blocked read (no extra task per read to watch the token).
                        closeOnStop = _stopping.Token.Register(static state => ((ConnectionMultiplexer)state!).Dispose(), dedicated);
                    }

                    var db = dedicated.GetDatabase();
                    var reading = next ?? Read(db, stream, lastId);
                    next = null; // a failed read is not sent again ahead: the loop reads anew after the pause
                    var entries = RedisStreamEntries.Parse(await reading.ConfigureAwait(false));
                    if (entries.Count > 0) lastId = entries[^1].Id;
                    // The next read goes out before these answers complete their waiters: answers arriving meanwhile
                    // are read while this batch is handled, not after it.
                    next = Read(db, stream, lastId);
                    List<(Pending, Envelope)>? answered = null;
                    foreach (var (_, bytes) in entries)
                    {
                        if (bytes.Length > 0 && Take(bytes) is { } answer) (answered ??= new(entries.Count)).Add(answer);
                    }

                    if (answered is not null) Complete(answered);
                }
                catch (Exception) when (_stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    RedisLog.TransportError(_logger, "reading replies", ex.Message);
                    try
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(200), _time, _stopping.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
        }
        finally
        {
            // A read sent ahead ends with the connection; its failure is expected, not an unobserved exception.
            _ = next?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            await closeOnStop.DisposeAsync().ConfigureAwait(false);
            if (dedicated is not null) await dedicated.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static Task<RedisResult> Read(IDatabase db, RedisKey stream, string lastId) =>
        db.ExecuteAsync("XREAD", "COUNT", 512, "BLOCK", (int)Block.TotalMilliseconds, "STREAMS", stream, lastId);

    /// <summary>Decodes an answer and takes its hop out of the hops in flight: null when it is bad, a duplicate or too late.</summary>
    private (Pending, Envelope)? Take(byte[] bytes)
    {
        if (!Wire.TryDecode(bytes, out var answer, out var error))
        {
            RedisLog.AnswerRejected(_logger, ReplyStream, error.Message);
            return null;
        }

        if (!answer.Headers.TryGetValue(RedisStreamNames.HopHeader, out var hop) || !_inFlight.TryRemove(hop, out var pending))
        {
            Dropped(answer);
            return null;
        }

        return (pending, answer);
    }

    /// <summary>
    /// Completes the callers of one read in at most one thread-pool work item per processor, each running its share of
    /// the callers' continuations one after another (each up to its next wait: its answer written out, typically):
    /// a read of many answers wakes a few threads, not one per caller, and keeps every processor busy.
    /// </summary>
    private void Complete(List<(Pending Pending, Envelope Answer)> answered)
    {
        var shares = Math.Min(Environment.ProcessorCount, answered.Count);
        var size = (answered.Count + shares - 1) / shares;
        for (var start = 0; start < answered.Count; start += size)
        {
            var share = new Share(this, answered, start, Math.Min(start + size, answered.Count));
            ThreadPool.UnsafeQueueUserWorkItem(share, preferLocal: start == 0);
        }
    }

    /// <summary>A share of one read's callers, completed in one work item.</summary>
    private sealed class Share(RedisReplyHub hub, List<(Pending Pending, Envelope Answer)> answered, int start, int end) : IThreadPoolWorkItem
    {
        public void Execute()
        {
            for (var i = start; i < end; i++)
            {
                var (pending, answer) = answered[i];
                if (!pending.Answer.TrySetResult(answer)) hub.Dropped(answer);
            }
        }
    }

    private void Dropped(Envelope answer)
    {
        Interlocked.Increment(ref _duplicates);
        RedisLog.AnswerDropped(_logger, answer.RequestId);
    }
}
