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

    [LoggerMessage(EventId = RedisEventIds.TransportError, Level = LogLevel.Warning, Message = "redis transport: {What} failed: {Reason}")]
    public static partial void TransportError(ILogger logger, string what, string reason);

    [LoggerMessage(EventId = RedisEventIds.AnswerRejected, Level = LogLevel.Warning, Message = "redis transport: an answer on {Stream} was refused: {Reason}")]
    public static partial void AnswerRejected(ILogger logger, string stream, string reason);

    [LoggerMessage(EventId = RedisEventIds.AnswerDropped, Level = LogLevel.Debug, Message = "redis transport: second answer for a hop dropped request_id={RequestId}")]
    public static partial void AnswerDropped(ILogger logger, string requestId);

    [LoggerMessage(EventId = RedisEventIds.HopRejected, Level = LogLevel.Warning, Message = "redis worker {WorkerId}: hop {EntryId} refused, acknowledged and not answered (its reply_to is not authenticated): {Reason}; a host with another PORTWAY_IPC_SECRET sends such hops")]
    public static partial void HopRejected(ILogger logger, string workerId, string entryId, string reason);

    [LoggerMessage(EventId = RedisEventIds.HopExpired, Level = LogLevel.Debug, Message = "redis worker {WorkerId}: hop past its deadline acknowledged, not run request_id={RequestId}")]
    public static partial void HopExpired(ILogger logger, string workerId, string requestId);

    [LoggerMessage(EventId = RedisEventIds.WorkerStarted, Level = LogLevel.Information, Message = "redis worker {WorkerId} of group '{Group}' reading {Stream}")]
    public static partial void WorkerStarted(ILogger logger, string workerId, string group, string stream);

    [LoggerMessage(EventId = RedisEventIds.WorkerStopped, Level = LogLevel.Information, Message = "redis worker {WorkerId} of group '{Group}' stopped")]
    public static partial void WorkerStopped(ILogger logger, string workerId, string group);

    [LoggerMessage(EventId = RedisEventIds.HopsClaimed, Level = LogLevel.Information, Message = "redis worker {WorkerId}: claimed {Count} hop(s) idle over {IdleMs} ms (their worker died)")]
    public static partial void HopsClaimed(ILogger logger, string workerId, int count, int idleMs);

    [LoggerMessage(EventId = RedisEventIds.WorkerIdShared, Level = LogLevel.Error, Message = "redis worker {WorkerId} of group '{Group}': another process announces itself under the same id ({Other}; this one is {Self}). Two workers must not share an id: they share one consumer and count as one live worker. Give each its own --worker-id, or leave it to the default (group-machine-pid)")]
    public static partial void WorkerIdShared(ILogger logger, string workerId, string group, string self, string other);

    [LoggerMessage(EventId = RedisEventIds.ReplicaExited, Level = LogLevel.Warning, Message = "redis worker replica {WorkerId} exited ({ExitCode}); restarting in {DelayMs} ms")]
    public static partial void ReplicaExited(ILogger logger, string workerId, int exitCode, long delayMs);

    [LoggerMessage(EventId = RedisEventIds.ReplicaOutput, Level = LogLevel.Information, Message = "[{WorkerId}] {Line}")]
    public static partial void ReplicaOutput(ILogger logger, string workerId, string line);

    [LoggerMessage(EventId = RedisEventIds.ConsumersRemoved, Level = LogLevel.Information, Message = "redis worker {WorkerId}: removed {Count} consumer(s) of group '{Group}' gone for over {IdleMs} ms with nothing pending")]
    public static partial void ConsumersRemoved(ILogger logger, string workerId, int count, string group, long idleMs);

    [LoggerMessage(EventId = RedisEventIds.ReplicaNotStarted, Level = LogLevel.Error, Message = "redis worker replicas of group '{Group}' not started: {Reason}")]
    public static partial void ReplicaNotStarted(ILogger logger, string group, string reason);
}
