using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal;

/// <summary>
/// Keeps the consumer group's list of consumers from growing with every worker that ever ran: each worker process is a
/// consumer of its own (its id names the machine and process), and Redis keeps a consumer until it is deleted. A worker
/// that stops with nothing pending deletes its own; a live worker deletes those gone quiet for
/// <see cref="GoneAfterClaims"/> × <c>claim_idle_ms</c> with nothing pending (a crashed worker's, once its hops were
/// claimed). A consumer with pending entries is never deleted: that would drop its hops, which another worker claims.
/// </summary>
internal sealed partial class RedisStageWorker
{
    /// <summary>How many <c>claim_idle_ms</c> a consumer must have been quiet to count as gone (a live one reads every second).</summary>
    internal const int GoneAfterClaims = 10;

    /// <summary>Claim ticks (half a <c>claim_idle_ms</c> each) between two sweeps of gone consumers.</summary>
    private const int SweepEveryTicks = 20;

    private long GoneAfterMs => Math.Max(2000L, (long)_redis.ClaimIdleMs * GoneAfterClaims);

    /// <summary>Deletes the group's consumers quiet for longer than <see cref="GoneAfterMs"/> with nothing pending (not this one).</summary>
    private async Task SweepGoneConsumersAsync(IDatabase db)
    {
        var removed = 0;
        foreach (var consumer in await db.StreamConsumerInfoAsync(_stream, RedisStreamNames.ConsumerGroup).ConfigureAwait(false))
        {
            if (consumer.Name == WorkerId || consumer.PendingMessageCount > 0 || consumer.IdleTimeInMilliseconds <= GoneAfterMs) continue;
            // Deleting drops the consumer's pending entries: checked just above, and a consumer quiet that long takes none meanwhile.
            await db.StreamDeleteConsumerAsync(_stream, RedisStreamNames.ConsumerGroup, consumer.Name).ConfigureAwait(false);
            removed++;
        }

        if (removed > 0) RedisLog.ConsumersRemoved(_logger, WorkerId, removed, Group, GoneAfterMs);
    }

    /// <summary>A stopping worker's last step in the group: deletes its consumer when nothing is pending with it.</summary>
    private async Task LeaveGroupAsync(IDatabase db)
    {
        var pending = await db.StreamPendingMessagesAsync(_stream, RedisStreamNames.ConsumerGroup, 1, WorkerId).ConfigureAwait(false);
        if (pending.Length == 0) await db.StreamDeleteConsumerAsync(_stream, RedisStreamNames.ConsumerGroup, WorkerId).ConfigureAwait(false);
    }
}
