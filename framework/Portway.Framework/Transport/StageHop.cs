namespace Portway.Transport;

/// <summary>The header names a stage request (a hop) carries, for transports and workers.</summary>
public static class StageHop
{
    /// <summary>The node to run (its registered name).</summary>
    public const string NodeHeader = "node";

    /// <summary>The stage's name in its pipeline.</summary>
    public const string StageHeader = "stage";

    /// <summary>The pipeline's name.</summary>
    public const string PipelineHeader = "pipeline";

    /// <summary>
    /// When the caller stops waiting, as Unix milliseconds (UTC). A transport that queues hops (Redis) skips a hop
    /// past it: nobody waits for its answer. Absent when the caller has no deadline.
    /// </summary>
    public const string DeadlineHeader = "deadline";

    /// <summary>The caller's deadline of <paramref name="hop"/> (Unix ms), or null when it has none or it is malformed.</summary>
    public static long? Deadline(Envelope hop)
    {
        ArgumentNullException.ThrowIfNull(hop);
        return hop.Headers.TryGetValue(DeadlineHeader, out var text)
            && long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? ms
            : null;
    }
}
