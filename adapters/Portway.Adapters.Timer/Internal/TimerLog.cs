using Microsoft.Extensions.Logging;

namespace Portway.Adapters.Timer.Internal;

/// <summary>The timer ingress's log events (ids 1701-1709).</summary>
internal static partial class TimerLog
{
    [LoggerMessage(EventId = 1701, Level = LogLevel.Debug, Message = "timer schedule {Schedule} ran {Pipeline} in {ElapsedMs:F1} ms (request {RequestId})")]
    public static partial void RunDone(ILogger logger, string schedule, string pipeline, double elapsedMs, string requestId);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Warning, Message = "timer schedule {Schedule}: {Pipeline} answered {Code}: {Message} (request {RequestId})")]
    public static partial void RunFailed(ILogger logger, string schedule, string pipeline, string code, string message, string requestId);
}
