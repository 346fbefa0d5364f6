using Microsoft.Extensions.Logging;
using Portway.Internal;

namespace Portway.Adapters.WebSocket.Internal;

internal static partial class WebSocketLog
{
    [LoggerMessage(EventId = EventIds.WebSocketOpened, Level = LogLevel.Debug, Message = "websocket {Path} opened request_id={RequestId}")]
    public static partial void Opened(ILogger logger, string path, string requestId);

    [LoggerMessage(EventId = EventIds.WebSocketClosed, Level = LogLevel.Debug, Message = "websocket {Path} closed {Status} '{Reason}' request_id={RequestId}")]
    public static partial void Closed(ILogger logger, string path, int status, string reason, string requestId);

    [LoggerMessage(EventId = EventIds.WebSocketSlowReader, Level = LogLevel.Warning, Message = "websocket {Path}: {Limit} messages queued for a slow reader, closing with 1013 request_id={RequestId}")]
    public static partial void SlowReader(ILogger logger, string path, int limit, string requestId);
}
