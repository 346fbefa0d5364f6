namespace Portway;

/// <summary>
/// The correlation ids of one call: the W3C trace id (32 lower-case hex), the caller's request id
/// (<c>x-request-id</c>), and the W3C <c>traceparent</c> of the ingress span (<c>00-TRACE-SPAN-01</c>), which every
/// stage hop carries on.
/// </summary>
public readonly record struct PortwayCorrelation(string TraceId, string RequestId, string TraceParent)
{
    /// <summary>True when no id was set (a default value).</summary>
    public bool IsEmpty => string.IsNullOrEmpty(TraceId) || string.IsNullOrEmpty(RequestId);

    /// <summary>New ids: a trace id, a request id, and a traceparent with a new span id.</summary>
    public static PortwayCorrelation New()
    {
        var traceId = EnvelopeIds.NewTraceId();
        return new PortwayCorrelation(traceId, EnvelopeIds.NewId(), "00-" + traceId + "-" + EnvelopeIds.NewSpanId() + "-01");
    }
}
