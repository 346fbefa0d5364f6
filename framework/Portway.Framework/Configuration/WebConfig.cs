namespace Portway.Configuration;

/// <summary><c>runtime.web</c>: the listener and the ingress interfaces.</summary>
public sealed class WebConfig
{
    /// <summary><c>listen</c>: the URL Kestrel binds. Defaults to <c>http://127.0.0.1:8080</c>.</summary>
    public string Listen { get; set; } = "http://127.0.0.1:8080";

    /// <summary><c>drain_timeout_ms</c>: on shutdown, how long in-flight requests may finish. Defaults to 10000.</summary>
    public int DrainTimeoutMs { get; set; } = 10_000;

    /// <summary><c>health</c>: the built-in <c>GET /health</c>.</summary>
    public BuiltinEndpointConfig Health { get; set; } = new() { Path = "/health" };

    /// <summary><c>stats</c>: the built-in <c>GET /stats</c>.</summary>
    public BuiltinEndpointConfig Stats { get; set; } = new() { Path = "/stats" };

    /// <summary><c>tls</c>: the certificate of an <c>https://</c> listener; null when not set.</summary>
    public TlsConfig? Tls { get; set; }

    /// <summary><c>interfaces</c>: one entry per ingress kind.</summary>
    public List<InterfaceConfig> Interfaces { get; set; } = [];

    /// <summary><c>cache_clear</c>: the built-in <c>POST /v1/cache/clear</c> (a bearer token required), served when an endpoint has <c>cache</c> and <c>auth.jwt</c> is set.</summary>
    public BuiltinEndpointConfig CacheClear { get; set; } = new() { Path = "/v1/cache/clear" };

    /// <summary><c>auth</c>: caller authentication (bearer tokens).</summary>
    public AuthConfig Auth { get; set; } = new();
}
