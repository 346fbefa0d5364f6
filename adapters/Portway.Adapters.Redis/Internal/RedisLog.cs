using Microsoft.Extensions.Logging;

namespace Portway.Adapters.Redis.Internal;

/// <summary>The Redis connection's log events. The connection string is logged with its password redacted.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(EventId = RedisEventIds.Connecting, Level = LogLevel.Information, Message = "redis: connecting to {Connection} (key_prefix {KeyPrefix})")]
    public static partial void Connecting(ILogger logger, string connection, string keyPrefix);

    [LoggerMessage(EventId = RedisEventIds.ConnectionFailed, Level = LogLevel.Warning, Message = "redis: connection to {Endpoint} lost ({FailureType}); reconnecting by itself")]
    public static partial void ConnectionFailed(ILogger logger, string endpoint, string failureType, Exception? exception);

    [LoggerMessage(EventId = RedisEventIds.ConnectionRestored, Level = LogLevel.Information, Message = "redis: connection to {Endpoint} restored")]
    public static partial void ConnectionRestored(ILogger logger, string endpoint);

    [LoggerMessage(EventId = RedisEventIds.DedicatedConnectionOpened, Level = LogLevel.Debug, Message = "redis: dedicated connection opened for {Purpose}")]
    public static partial void DedicatedConnectionOpened(ILogger logger, string purpose);
}
