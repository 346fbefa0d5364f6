namespace Portway.Observability;

/// <summary>The boundary events every request passes through.</summary>
public enum BoundaryEventKind
{
    /// <summary>An ingress adapter accepted a request and emitted its envelope.</summary>
    IngressAccepted,
    /// <summary>An ingress adapter refused a request before routing (bad input, policy, unknown route).</summary>
    IngressRejected,
    /// <summary>The router handed the envelope to a stage.</summary>
    RoutingHandoff,
    /// <summary>The egress adapter delivered a success answer to the waiting caller.</summary>
    EgressDelivered,
    /// <summary>The egress adapter delivered an error, or the caller could not be answered (timeout, cancel, shutdown).</summary>
    EgressFailed,
}
