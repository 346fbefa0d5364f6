using Microsoft.Extensions.Logging;
using Portway.Transport;
using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal;

internal sealed partial class RedisStageWorker
{
    private async Task HandleAsync(RedisHopEntry entry, byte[] bytes)
    {
        try
        {
            if (!_wire.TryDecode(bytes, out var hop, out var error))
            {
                // Unverifiable, so not answered: its reply_to and hop id are as unauthenticated as the rest. Answering them
                // would let anyone who can write to the stream make this worker add signed errors to any host's reply
                // stream for any hop id (failing other callers' requests); and when the cause is a host with another
                // secret, that host could not verify the answer anyway. Acknowledged so it is not retried; logged with
                // the reason, counted in Rejected. Its caller, if any, ends at its deadline.
                Interlocked.Increment(ref _rejected);
                RedisLog.HopRejected(_logger, WorkerId, entry.Id, error.Message);
                _answers.Acknowledge(entry);
                return;
            }

            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            var deadline = StageHop.Deadline(hop);
            if (deadline <= now || RedisStreamNames.ReplyInstance(hop) is not { } instance)
            {
                Interlocked.Increment(ref _expired);
                RedisLog.HopExpired(_logger, WorkerId, hop.RequestId);
                _answers.Acknowledge(entry);
                return;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
            if (deadline is { } ms) timeout.CancelAfter(TimeSpan.FromMilliseconds(ms - now));
            Envelope answer;
            try
            {
                answer = await _runner.RunAsync(hop, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                return; // Cancelled by a stop that outlasted DrainTimeout. Not answered, so its entry is not acknowledged: a live worker claims it after claim_idle_ms.
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref _expired);
                _answers.Acknowledge(entry);
                return;
            }

            answer.Headers[RedisStreamNames.HopHeader] = hop.Id;
            byte[] encoded;
            try
            {
                encoded = _wire.Encode(answer);
            }
            catch (PortwayException ex)
            {
                var failed = hop.CreateAnswer(EnvelopeKind.Error, ex.Error.ToPayload());
                failed.Headers[RedisStreamNames.HopHeader] = hop.Id;
                encoded = _wire.Encode(failed);
            }

            // The answer and the acknowledgement go out together, in one call shared with the hops finishing now.
            Interlocked.Increment(ref _ran);
            _answers.Answer(RedisStreamNames.Replies(_connection.KeyPrefix, instance), encoded, entry);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            // Not answered, so its entry is not acknowledged: it stays pending and is claimed again after claim_idle_ms.
            RedisLog.TransportError(_logger, $"answering a hop of entry {entry.Id} of '{Group}'", ex.Message);
        }
    }

    /// <summary>
    /// Every half <c>claim_idle_ms</c>, takes over hops pending longer than <c>claim_idle_ms</c> (their worker died) and
    /// runs them; every ten <c>claim_idle_ms</c>, deletes the consumers of workers gone with nothing pending.
    /// </summary>
    private async Task ClaimLoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(50, _redis.ClaimIdleMs / 2)), _time);
        var ticks = 0;
        while (await Tick(timer).ConfigureAwait(false))
        {
            try
            {
                if (!_connection.IsConnected) continue;
                var db = await _connection.DatabaseAsync(_stopping.Token).ConfigureAwait(false);
                if (++ticks % SweepEveryTicks == 0) await SweepGoneConsumersAsync(db).ConfigureAwait(false);
                var claimed = await db.StreamAutoClaimAsync(_stream, RedisStreamNames.ConsumerGroup, WorkerId, _redis.ClaimIdleMs, "0-0", EntriesFor(_slots.CurrentCount)).ConfigureAwait(false);
                if (claimed.IsNull || claimed.ClaimedEntries.Length == 0) continue;
                RedisLog.HopsClaimed(_logger, WorkerId, claimed.ClaimedEntries.Length, _redis.ClaimIdleMs);
                foreach (var claimedEntry in claimed.ClaimedEntries)
                {
                    // Run again as a whole: hops of it answered before its worker died answer twice; the host drops the second.
                    var envelopes = RedisStreamEntries.EnvelopesOf(claimedEntry);
                    var entry = new RedisHopEntry(claimedEntry.Id!, envelopes.Count);
                    foreach (var bytes in envelopes)
                    {
                        await _slots.WaitAsync(_stopping.Token).ConfigureAwait(false);
                        Run(entry, bytes);
                    }
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                RedisLog.TransportError(_logger, $"claiming idle hops of '{Group}'", ex.Message);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private ValueTask<bool> Tick(PeriodicTimer timer) => Tick(timer, _stopping.Token);

    private static async ValueTask<bool> Tick(PeriodicTimer timer, CancellationToken token)
    {
        try
        {
            return await timer.WaitForNextTickAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
