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
    string? Code = null)
{
    /// <summary>
    /// When the request was accepted, as a <see cref="TimeProvider.GetTimestamp"/> of the runtime's time provider; an
    /// ingress that sets it on a request's <see cref="BoundaryEventKind.IngressAccepted"/> event sets the same value on
    /// that request's ending event (delivered or failed), and the request latency is measured from it. 0 (the
    /// default): not carried; the runtime then keeps the start itself, by request id.
    /// </summary>
    public long AcceptedTimestamp { get; init; }
}
