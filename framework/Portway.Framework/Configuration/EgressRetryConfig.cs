namespace Portway.Configuration;

/// <summary><c>retry</c> of an HTTP egress: attempt n+1 waits about <c>base_delay_ms * 2^n</c> (at most <c>max_delay_ms</c>).</summary>
public sealed class EgressRetryConfig
{
    /// <summary><c>max_retries</c>: retries after the first attempt (0 to 10; 0 never retries). Defaults to 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary><c>base_delay_ms</c>: the first retry's delay (1 to 60000). Defaults to 200.</summary>
    public int BaseDelayMs { get; set; } = 200;

    /// <summary><c>max_delay_ms</c>: the longest delay (1 to 600000, at least <c>base_delay_ms</c>). Defaults to 5000.</summary>
    public int MaxDelayMs { get; set; } = 5_000;

    /// <summary><c>jitter</c>: randomize each delay (decorrelated jitter) so that many callers do not retry in step. Defaults to true.</summary>
    public bool Jitter { get; set; } = true;
}
