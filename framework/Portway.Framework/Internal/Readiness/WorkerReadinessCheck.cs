using Portway.Configuration;
using Portway.Internal.Transport.TcpLocal;
using Portway.Observability;

namespace Portway.Internal.Readiness;

/// <summary>Not ready until every process group that runs stages in child processes has a ready worker.</summary>
internal sealed class WorkerReadinessCheck(PortwayConfig config, WorkerPool pool) : IReadinessCheck
{
    private readonly string[] _groups = PortwayServiceCollectionExtensions.ChildProcessGroups(config).Select(g => g.Name).ToArray();

    public ValueTask<string?> CheckAsync(CancellationToken cancellationToken)
    {
        var waiting = _groups.Where(g => pool.ReadyCount(g) == 0).ToArray();
        return ValueTask.FromResult(waiting.Length == 0
            ? null
            : $"no ready worker for process group{(waiting.Length > 1 ? "s" : "")} {string.Join(", ", waiting.Select(g => $"'{g}'"))}");
    }
}
