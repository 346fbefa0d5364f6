namespace Portway.Transport;

/// <summary>The workers of one process group as its transport sees them (<see cref="IProcessGroupStatus"/>).</summary>
/// <param name="Ready">Workers able to take a hop now, wherever they run (redis: those whose announcement has not expired).</param>
/// <param name="Local">The workers this host supervises (its <c>replicas</c>), in slot order.</param>
public sealed record ProcessGroupWorkers(int Ready, IReadOnlyList<LocalWorkerStatus> Local)
{
    /// <summary>
    /// Hops this host has sent to the group and awaits the answer of, whichever worker holds them; null when the
    /// transport does not know. <c>/stats</c> shows it on the group (its workers' <c>hops_in_flight</c> stay null).
    /// </summary>
    public int? HopsInFlight { get; init; }
}
