using Portway.Internal.Correlation;
using Portway.Internal.Observability;

namespace Portway.Internal.Lifecycle;

/// <summary>The public view of the runtime's state: drain, calls in flight, request counts.</summary>
internal sealed class PortwayStatus(DrainCoordinator drain, WaiterRegistry waiters, RuntimeStats stats, IPortwayConfigReloader reloader) : IPortwayStatus
{
    public bool IsDraining => drain.IsDraining;

    public CancellationToken Drained => drain.Drained;

    public int PendingCalls => waiters.Pending;

    public long ConfigVersion => reloader.Version;

    public DateTimeOffset ConfigLoadedAt => reloader.LoadedAt;

    public IReadOnlyDictionary<string, long> RequestsByOutcome() => stats.Snapshot();

    public IReadOnlyDictionary<string, long> BoundaryRefusals() => new SortedDictionary<string, long>(StringComparer.Ordinal)
    {
        ["refused_connections"] = stats.Ipc.RefusedConnections,
        ["rejected_frames"] = stats.Ipc.RejectedFrames,
    };
}
