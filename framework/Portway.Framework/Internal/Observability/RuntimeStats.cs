using System.Collections.Concurrent;
using Portway.Internal.Correlation;
using Portway.Observability;

namespace Portway.Internal.Observability;

/// <summary>Requests by outcome (<c>ok</c> or the error code), counted from boundary events; backs <c>GET /stats</c>.</summary>
internal sealed class RuntimeStats(WaiterRegistry waiters) : IBoundaryEventSink
{
    private readonly ConcurrentDictionary<string, long> _byOutcome = new(StringComparer.Ordinal);

    public int PendingWaiters => waiters.Pending;

    public void OnEvent(BoundaryEvent boundaryEvent)
    {
        ArgumentNullException.ThrowIfNull(boundaryEvent);
        var outcome = boundaryEvent.Kind switch
        {
            BoundaryEventKind.EgressDelivered => "ok",
            BoundaryEventKind.EgressFailed or BoundaryEventKind.IngressRejected => boundaryEvent.Code ?? ErrorCode.Internal,
            _ => null,
        };
        if (outcome is not null)
        {
            _byOutcome.AddOrUpdate(outcome, 1, static (_, n) => n + 1);
        }
    }

    /// <summary>A sorted copy of the counts.</summary>
    public SortedDictionary<string, long> Snapshot() => new(_byOutcome, StringComparer.Ordinal);
}
