namespace Portway.Transport;

/// <summary>A worker process this host supervises, as <c>/stats</c> shows it.</summary>
/// <param name="Id">Its worker id (redis: its consumer name in the group).</param>
/// <param name="Pid">Its process id; null between runs.</param>
/// <param name="State"><see cref="Starting"/>, <see cref="Ready"/>, <see cref="Restarting"/> or <see cref="Stopped"/>.</param>
/// <param name="Restarts">How many times it was started again after exiting.</param>
public sealed record LocalWorkerStatus(string Id, int? Pid, string State, int Restarts)
{
    /// <summary>Running, not yet taking hops.</summary>
    public const string Starting = "starting";

    /// <summary>Taking hops.</summary>
    public const string Ready = "ready";

    /// <summary>Exited; started again after a pause.</summary>
    public const string Restarting = "restarting";

    /// <summary>The host is stopping it (or has).</summary>
    public const string Stopped = "stopped";
}
