using Microsoft.Extensions.Logging;

namespace Portway.Adapters.Redis.Internal.Kv;

/// <summary>The Redis kv backend's log events (ids 850-859 of the adapter's 8xx range).</summary>
internal static partial class RedisKvLog
{
    public const int SweepFailedId = 850;

    [LoggerMessage(EventId = SweepFailedId, Level = LogLevel.Warning, Message = "redis kv: logging expired keys failed; retrying")]
    public static partial void SweepFailed(ILogger logger, Exception exception);
}
