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

    /// <summary><c>ready</c>: the built-in <c>GET /ready</c> (readiness: 503 until every worker group has a ready worker, and while draining).</summary>
    public BuiltinEndpointConfig Ready { get; set; } = new() { Path = "/ready" };

    /// <summary><c>stats</c>: the built-in <c>GET /stats</c>.</summary>
    public BuiltinEndpointConfig Stats { get; set; } = new() { Path = "/stats" };

    /// <summary><c>metrics</c>: the built-in Prometheus scrape endpoint <c>GET /metrics</c>.</summary>
    public BuiltinEndpointConfig Metrics { get; set; } = new() { Path = "/metrics" };

    /// <summary><c>openapi</c>: the built-in <c>GET /openapi.json</c>, the OpenAPI 3.1 document of the http endpoints.</summary>
    public BuiltinEndpointConfig OpenApi { get; set; } = new() { Path = "/openapi.json" };

    /// <summary><c>docs</c>: the built-in API reference page <c>GET /docs</c> (reads the openapi document; needs <c>openapi</c> enabled).</summary>
    public BuiltinEndpointConfig Docs { get; set; } = new() { Path = "/docs" };

    /// <summary>
    /// <c>dashboard</c>: the built-in live dashboard page <c>GET /dashboard</c> (served from the host, no CDN), with its
    /// data under the same path: <c>/dashboard/snapshot</c> (JSON) and <c>/dashboard/events</c> (server-sent events).
    /// </summary>
    public BuiltinEndpointConfig Dashboard { get; set; } = new() { Path = "/dashboard" };

    /// <summary><c>tls</c>: the certificate of an <c>https://</c> listener; null when not set.</summary>
    public TlsConfig? Tls { get; set; }

    /// <summary><c>interfaces</c>: one entry per ingress kind.</summary>
    public List<InterfaceConfig> Interfaces { get; set; } = [];

    /// <summary><c>cache_clear</c>: the built-in <c>POST /v1/cache/clear</c> (a bearer token required; a token clears its tenant's entries, every tenant's needs <c>scope</c>), served when an endpoint has <c>cache</c> and <c>auth.jwt</c> is set.</summary>
    public CacheClearConfig CacheClear { get; set; } = new();

    /// <summary>
    /// <c>policy_store</c>: where rate limits (fixed, sliding, token_bucket) and the response cache are kept:
    /// <c>memory</c> (each host its own) or <c>redis</c> (every host on <c>runtime.platform.redis</c> shares them).
    /// Defaults to <c>redis</c> when the config uses Redis (<c>runtime.platform.redis</c> written, the redis transport
    /// or the redis kv backend), else <c>memory</c> (filled in by normalization).
    /// </summary>
    public string PolicyStore { get; set; } = "";

    /// <summary><c>auth</c>: caller authentication (bearer tokens).</summary>
    public AuthConfig Auth { get; set; } = new();
}
