using Microsoft.Extensions.Logging;

namespace Portway.Internal.Observability;

internal static partial class TelemetryLog
{
    [LoggerMessage(EventId = EventIds.IngressAccepted, Level = LogLevel.Debug, Message = "ingress accepted {Interface} {Route} trace_id={TraceId} request_id={RequestId}")]
    public static partial void IngressAccepted(ILogger logger, string @interface, string route, string traceId, string requestId);

    [LoggerMessage(EventId = EventIds.IngressRejected, Level = LogLevel.Information, Message = "ingress rejected {Interface} {Route} code={Code} trace_id={TraceId} request_id={RequestId}")]
    public static partial void IngressRejected(ILogger logger, string @interface, string route, string code, string traceId, string requestId);

    [LoggerMessage(EventId = EventIds.RoutingHandoff, Level = LogLevel.Debug, Message = "routing handoff {Route} stage={Stage} trace_id={TraceId} request_id={RequestId}")]
    public static partial void RoutingHandoff(ILogger logger, string route, string stage, string traceId, string requestId);

    [LoggerMessage(EventId = EventIds.EgressDelivered, Level = LogLevel.Debug, Message = "egress delivered {Interface} {Route} trace_id={TraceId} request_id={RequestId}")]
    public static partial void EgressDelivered(ILogger logger, string @interface, string route, string traceId, string requestId);

    [LoggerMessage(EventId = EventIds.EgressFailed, Level = LogLevel.Information, Message = "egress failed {Interface} {Route} code={Code} trace_id={TraceId} request_id={RequestId}")]
    public static partial void EgressFailed(ILogger logger, string @interface, string route, string code, string traceId, string requestId);
}
