namespace Portway.Configuration;

/// <summary>An entry of <c>runtime.egress.http</c>: one named outbound HTTP client with its resilience.</summary>
public sealed class HttpEgressConfig
{
    /// <summary><c>name</c> (required, unique among every egress): what nodes call it by.</summary>
    public string Name { get; set; } = "";

    /// <summary><c>base_url</c> (required): an absolute http:// or https:// URL; request paths are relative to it.</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary><c>timeout_ms</c>: each attempt's time (10 to 600000). Defaults to 10000.</summary>
    public int TimeoutMs { get; set; } = 10_000;

    /// <summary><c>total_timeout_ms</c>: the whole call's time, retries and their delays included (10 to 3600000). Defaults to 30000.</summary>
    public int TotalTimeoutMs { get; set; } = 30_000;

    /// <summary><c>max_response_bytes</c>: the largest body read (1 to 64 MiB). Defaults to 1 MiB.</summary>
    public int MaxResponseBytes { get; set; } = 1024 * 1024;

    /// <summary><c>headers</c>: sent on every call; each a literal value or a secret (<c>{ env: NAME }</c> or <c>{ file: PATH }</c>).</summary>
    public List<EgressHeaderConfig> Headers { get; set; } = [];

    /// <summary><c>retry</c>: exponential backoff with jitter on transient failures (connection errors, timeouts, 408, 429, 5xx).</summary>
    public EgressRetryConfig Retry { get; set; } = new();

    /// <summary><c>breaker</c>: the circuit breaker in front of the attempts.</summary>
    public EgressBreakerConfig Breaker { get; set; } = new();
}
