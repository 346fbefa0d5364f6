using Microsoft.Extensions.Logging;

namespace Portway.Adapters.WebSocket.Internal;

internal static partial class WebSocketLog
{
    // Event ids 60x: the websocket adapter's range (the framework's ranges are listed in its EventIds).
    private const int OpenedId = 600;
    private const int ClosedId = 601;
    private const int SlowReaderId = 602;

    [LoggerMessage(EventId = OpenedId, Level = LogLevel.Debug, Message = "websocket {Path} opened request_id={RequestId}")]
    public static partial void Opened(ILogger logger, string path, string requestId);

    [LoggerMessage(EventId = ClosedId, Level = LogLevel.Debug, Message = "websocket {Path} closed {Status} '{Reason}' request_id={RequestId}")]
    public static partial void Closed(ILogger logger, string path, int status, string reason, string requestId);

    [LoggerMessage(EventId = SlowReaderId, Level = LogLevel.Warning, Message = "websocket {Path}: the send queue stayed full for {TimeoutMs} ms (the client does not read), closing with 1013 request_id={RequestId}")]
    public static partial void SlowReader(ILogger logger, string path, int timeoutMs, string requestId);
}
