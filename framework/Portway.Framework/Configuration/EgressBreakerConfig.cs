namespace Portway.Configuration;

/// <summary>
/// <c>breaker</c> of an HTTP egress: once at least <c>min_throughput</c> attempts in <c>sampling_ms</c> failed at a
/// ratio of <c>failure_ratio</c> or more, calls fail at once (<c>unavailable</c>) for <c>break_ms</c>; then one trial
/// attempt (half-open) closes it again on success or opens it for another <c>break_ms</c>.
/// </summary>
public sealed class EgressBreakerConfig
{
    /// <summary><c>failure_ratio</c>: (0, 1]. Defaults to 0.5.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary><c>min_throughput</c>: attempts in the window before the ratio counts (2 to 10000). Defaults to 10.</summary>
    public int MinThroughput { get; set; } = 10;

    /// <summary><c>sampling_ms</c>: the window (500 to 3600000). Defaults to 30000.</summary>
    public int SamplingMs { get; set; } = 30_000;

    /// <summary><c>break_ms</c>: how long it stays open (500 to 3600000). Defaults to 5000.</summary>
    public int BreakMs { get; set; } = 5_000;
}
