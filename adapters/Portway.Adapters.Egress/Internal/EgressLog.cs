using Microsoft.Extensions.Logging;

namespace Portway.Adapters.Egress.Internal;

/// <summary>The egress adapter's log events (the 9xx range of the runtime's event ids, all here).</summary>
internal static partial class EgressLog
{
    [LoggerMessage(EventId = 900, Level = LogLevel.Information, Message = "egress {Egress}: retry {Attempt} in {DelayMs} ms after {Outcome}")]
    public static partial void Retrying(ILogger logger, string egress, int attempt, double delayMs, string outcome);

    [LoggerMessage(EventId = 901, Level = LogLevel.Warning, Message = "egress {Egress}: circuit breaker opened for {BreakMs} ms after {Outcome}")]
    public static partial void BreakerOpened(ILogger logger, string egress, double breakMs, string outcome);

    [LoggerMessage(EventId = 902, Level = LogLevel.Information, Message = "egress {Egress}: circuit breaker half-open, trying one call")]
    public static partial void BreakerHalfOpened(ILogger logger, string egress);

    [LoggerMessage(EventId = 903, Level = LogLevel.Information, Message = "egress {Egress}: circuit breaker closed")]
    public static partial void BreakerClosed(ILogger logger, string egress);

    [LoggerMessage(EventId = 910, Level = LogLevel.Information, Message = "egress {Egress}: websocket connected to {Url}")]
    public static partial void WebSocketConnected(ILogger logger, string egress, string url);

    [LoggerMessage(EventId = 911, Level = LogLevel.Warning, Message = "egress {Egress}: websocket connection lost ({Reason}); reconnecting")]
    public static partial void WebSocketLost(ILogger logger, string egress, string reason);

    [LoggerMessage(EventId = 912, Level = LogLevel.Information, Message = "egress {Egress}: websocket connect attempt {Attempt} failed ({Reason}); next in {DelayMs} ms")]
    public static partial void WebSocketConnectFailed(ILogger logger, string egress, int attempt, string reason, double delayMs);
}
