using Microsoft.Extensions.Logging;

namespace Portway.Adapters.Redis.Internal.Kv;

/// <summary>The Redis kv backend's log events (ids 850-859 of the adapter's 8xx range).</summary>
internal static partial class RedisKvLog
{
    public const int SweepFailedId = 850;
    public const int WatchResyncedId = 851;

    [LoggerMessage(EventId = SweepFailedId, Level = LogLevel.Warning, Message = "redis kv: logging expired keys failed; retrying")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = WatchResyncedId, Level = LogLevel.Warning, Message = "redis kv: redis-server lost its data (restarted without persistence: a new epoch); a watch resumes from a new snapshot (keys gone reported deleted, the others set)")]
    public static partial void WatchResynced(ILogger logger);
}
