namespace Portway.Transport;

/// <summary>The workers of one process group as its transport sees them (<see cref="IProcessGroupStatus"/>).</summary>
/// <param name="Ready">Workers able to take a hop now, wherever they run (redis: those whose announcement has not expired).</param>
/// <param name="Local">The workers this host supervises (its <c>replicas</c>), in slot order.</param>
public sealed record ProcessGroupWorkers(int Ready, IReadOnlyList<LocalWorkerStatus> Local);
