namespace Portway.Observability;

/// <summary>
/// One boundary event. <paramref name="Stage"/> is set for <see cref="BoundaryEventKind.RoutingHandoff"/>;
/// <paramref name="Code"/> is the taxonomy code for rejections and failures.
/// </summary>
public sealed record BoundaryEvent(
    BoundaryEventKind Kind,
    string TraceId,
    string RequestId,
    string Interface,
    string Route,
    string? Stage = null,
    string? Code = null);
