namespace Portway.Observability;

/// <summary>
/// Where an adapter reports its boundary events: each goes out as a log event, a metric, and to every
/// <see cref="IBoundaryEventSink"/> (the request counts of <c>/stats</c> come from them). An adapter reports
/// <see cref="BoundaryEventKind.IngressAccepted"/> or <see cref="BoundaryEventKind.IngressRejected"/> per request it
/// receives, then <see cref="BoundaryEventKind.EgressDelivered"/> or <see cref="BoundaryEventKind.EgressFailed"/>.
/// </summary>
public interface IBoundaryEventPublisher
{
    /// <summary>Publishes one event; never throws.</summary>
    void Emit(BoundaryEvent boundaryEvent);
}
