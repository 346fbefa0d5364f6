using Portway.Internal.Lifecycle;
using Portway.Observability;

namespace Portway.Internal.Readiness;

/// <summary>Not ready while draining: a load balancer stops sending before the host stops answering.</summary>
internal sealed class DrainReadinessCheck(DrainCoordinator drain) : IReadinessCheck
{
    public ValueTask<string?> CheckAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(drain.IsDraining ? "draining: the host is stopping" : null);
}
