namespace Portway.Internal.Supervision;

/// <summary>One supervised worker slot as <c>/stats</c> shows it: its pid (null between runs), state and restarts so far.</summary>
internal sealed record WorkerStatus(string Group, string WorkerId, int? Pid, string State, int Restarts)
{
    public const string Starting = "starting";
    public const string Ready = "ready";
    public const string Restarting = "restarting";
    public const string Degraded = "degraded";
    public const string Stopped = "stopped";
}
