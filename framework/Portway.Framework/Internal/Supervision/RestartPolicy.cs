namespace Portway.Internal.Supervision;

/// <summary>Exponential backoff between restarts, and a restart budget per window past which the worker is degraded (restarted at <see cref="MaxBackoff"/>, never abandoned).</summary>
internal sealed class RestartPolicy
{
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    public int MaxRestartsPerWindow { get; init; } = 10;

    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The wait before restart number <paramref name="attempt"/> (1-based) of the current window.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var ms = InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20));
        return TimeSpan.FromMilliseconds(Math.Min(ms, MaxBackoff.TotalMilliseconds));
    }
}
