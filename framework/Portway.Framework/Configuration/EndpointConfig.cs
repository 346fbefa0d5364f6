namespace Portway.Configuration;

/// <summary>An entry of <c>runtime.web.interfaces[].endpoints</c>.</summary>
public sealed class EndpointConfig
{
    /// <summary><c>route</c> (required): <c>"METHOD /path/{param}"</c> for http; a bare <c>/path</c> for websocket.</summary>
    public string Route { get; set; } = "";

    /// <summary><c>pipeline</c> (required): the pipeline that answers.</summary>
    public string Pipeline { get; set; } = "";

    /// <summary><c>timeout_ms</c>: the caller's deadline. Defaults to 30000.</summary>
    public int TimeoutMs { get; set; } = 30_000;

    /// <summary><c>max_body_bytes</c>: the largest request body. Defaults to 1 MiB.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary><c>operations</c> (websocket only): operation name a client sends as <c>op</c> → pipeline.</summary>
    public Dictionary<string, string> Operations { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The boundary policy of each operation (websocket only): its own keys where it was written as a mapping, the
    /// endpoint's otherwise (filled in by normalization for every entry of <see cref="Operations"/>).
    /// </summary>
    public Dictionary<string, WebSocketOperationConfig> OperationPolicies { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>max_message_bytes</c> (websocket only): the largest inbound message; over it the socket closes with 1009. Defaults to 65536.</summary>
    public int MaxMessageBytes { get; set; } = 65_536;

    /// <summary>
    /// <c>send_queue_limit</c> (websocket only): outbound messages queued on one socket. While the queue is full the
    /// socket's next messages are not read; a message that finds no room within <c>timeout_ms</c> closes the socket
    /// with 1013. Defaults to 256.
    /// </summary>
    public int SendQueueLimit { get; set; } = 256;

    /// <summary>
    /// <c>send_queue_bytes</c> (websocket only): the same bound in bytes (one message larger than it is still
    /// queued when the queue is empty). Defaults to 1 MiB.
    /// </summary>
    public int SendQueueBytes { get; set; } = 1024 * 1024;

    /// <summary><c>max_in_flight</c> (websocket only): requests one socket may have in flight; one more is answered <c>rate_limited</c>. Defaults to 1024.</summary>
    public int MaxInFlight { get; set; } = 1024;

    /// <summary><c>max_connections</c> (websocket only): sockets open at once on this endpoint; one more upgrade is refused with 503. Defaults to 10000.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary><c>idle_timeout_ms</c> (websocket only): a socket with no inbound traffic this long is closed. Defaults to 120000.</summary>
    public int IdleTimeoutMs { get; set; } = 120_000;

    /// <summary><c>ping_interval_ms</c> (websocket only): keep-alive ping interval. Defaults to 30000.</summary>
    public int PingIntervalMs { get; set; } = 30_000;

    /// <summary>The method part of <see cref="Route"/>, upper case (filled in by normalization).</summary>
    public string Method { get; set; } = "";

    /// <summary>The path part of <see cref="Route"/> (filled in by normalization).</summary>
    public string Path { get; set; } = "";

    /// <summary><c>auth</c>: <c>required</c> or <c>none</c>; empty means the interface's (filled in by normalization).</summary>
    public string Auth { get; set; } = "";

    /// <summary><c>scopes</c>: scopes the token must all carry (else 403 <c>forbidden</c>). Defaults to none.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary><c>tenant</c>: <c>from_token</c> binds the request's tenant to the token's tenant claim (mismatch: 403). Empty when not set.</summary>
    public string Tenant { get; set; } = "";

    /// <summary><c>rate_limit</c>: null when not set.</summary>
    public RateLimitConfig? RateLimit { get; set; }

    /// <summary><c>cache</c> (http only): null when not set.</summary>
    public CacheConfig? Cache { get; set; }

    /// <summary><c>message_rate</c> (websocket only): messages one socket may send per window; null when not set.</summary>
    public RateLimitConfig? MessageRate { get; set; }
}
