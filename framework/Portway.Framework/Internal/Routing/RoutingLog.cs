using Microsoft.Extensions.Logging;

namespace Portway.Internal.Routing;

internal static partial class RoutingLog
{
    [LoggerMessage(EventId = EventIds.NodeFailed, Level = LogLevel.Error, Message = "Node {Node} (stage {Stage}) threw for request {RequestId}")]
    public static partial void NodeFailed(ILogger logger, string node, string stage, string requestId, Exception exception);

    [LoggerMessage(EventId = EventIds.NodeErrorCodeUnknown, Level = LogLevel.Warning, Message = "Node {Node} (stage {Stage}) answered error code '{Code}', which is not in the taxonomy: answered internal")]
    public static partial void NodeErrorCodeUnknown(ILogger logger, string node, string stage, string code);

    [LoggerMessage(EventId = EventIds.SignatureRejected, Level = LogLevel.Warning, Message = "Envelope for stage {Stage} rejected at the memory boundary: {Reason}")]
    public static partial void SignatureRejected(ILogger logger, string stage, string reason);

    [LoggerMessage(EventId = EventIds.ReplyDropped, Level = LogLevel.Debug, Message = "Answer for {ReplyTo} (request {RequestId}) dropped: no waiter pending")]
    public static partial void ReplyDropped(ILogger logger, string replyTo, string requestId);
}
