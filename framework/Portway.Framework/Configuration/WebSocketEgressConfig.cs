namespace Portway.Configuration;

/// <summary>
/// An entry of <c>runtime.egress.websocket</c>: one named outbound WebSocket client. It connects at start, and
/// reconnects with exponential backoff and jitter whenever the connection fails or the peer closes it; messages
/// queued meanwhile (at most <c>send_queue_limit</c>) are sent once connected again.
/// </summary>
public sealed class WebSocketEgressConfig
{
    /// <summary><c>name</c> (required, unique among every egress).</summary>
    public string Name { get; set; } = "";

    /// <summary><c>url</c> (required): an absolute ws:// or wss:// URL.</summary>
    public string Url { get; set; } = "";

    /// <summary><c>connect_timeout_ms</c>: each connection attempt's time (10 to 600000). Defaults to 5000.</summary>
    public int ConnectTimeoutMs { get; set; } = 5_000;

    /// <summary><c>send_queue_limit</c>: messages waiting to be sent (1 to 100000); one more is refused (<c>unavailable</c>). Defaults to 256.</summary>
    public int SendQueueLimit { get; set; } = 256;

    /// <summary><c>headers</c>: sent with the handshake, as for an HTTP egress.</summary>
    public List<EgressHeaderConfig> Headers { get; set; } = [];

    /// <summary><c>reconnect</c>: the backoff between connection attempts.</summary>
    public EgressReconnectConfig Reconnect { get; set; } = new();
}
