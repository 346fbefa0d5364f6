namespace Portway.Configuration;

/// <summary><c>reconnect</c> of a WebSocket egress: attempt n waits about <c>base_delay_ms * 2^n</c> (at most <c>max_delay_ms</c>), reset once connected.</summary>
public sealed class EgressReconnectConfig
{
    /// <summary><c>base_delay_ms</c>: 1 to 60000. Defaults to 200.</summary>
    public int BaseDelayMs { get; set; } = 200;

    /// <summary><c>max_delay_ms</c>: 1 to 600000, at least <c>base_delay_ms</c>. Defaults to 30000.</summary>
    public int MaxDelayMs { get; set; } = 30_000;

    /// <summary><c>jitter</c>: randomize each delay. Defaults to true.</summary>
    public bool Jitter { get; set; } = true;
}
