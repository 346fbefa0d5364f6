using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Portway.Internal.Correlation;
using Portway.Observability;

namespace Portway.Internal.Observability;

/// <summary>Requests by outcome (<c>ok</c> or the error code), counted from boundary events; backs <c>GET /stats</c>.</summary>
/// <remarks>One counter per outcome, found with a lock-free read and bumped with an interlocked add: every request passes here.</remarks>
internal sealed class RuntimeStats(WaiterRegistry waiters, IpcRefusals? ipc = null) : IBoundaryEventSink
{
    /// <summary>Connections and frames the tcp_local listener refused (zero without child processes).</summary>
    public IpcRefusals Ipc { get; } = ipc ?? new IpcRefusals();

    private readonly ConcurrentDictionary<string, StrongBox<long>> _byOutcome = new(StringComparer.Ordinal);

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
            Interlocked.Increment(ref _byOutcome.GetOrAdd(outcome, static _ => new StrongBox<long>()).Value);
        }
    }

    /// <summary>A sorted copy of the counts.</summary>
    public SortedDictionary<string, long> Snapshot()
    {
        var snapshot = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (outcome, count) in _byOutcome)
        {
            snapshot[outcome] = Volatile.Read(ref count.Value);
        }

        return snapshot;
    }
}
