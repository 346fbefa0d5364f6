namespace Portway.Configuration;

/// <summary><c>runtime</c>.</summary>
public sealed class RuntimeConfig
{
    /// <summary><c>runtime.platform</c>.</summary>
    public PlatformConfig Platform { get; set; } = new();

    /// <summary><c>runtime.web</c>.</summary>
    public WebConfig Web { get; set; } = new();

    /// <summary><c>runtime.egress</c>: outbound HTTP and WebSocket clients.</summary>
    public EgressConfig Egress { get; set; } = new();

    /// <summary><c>runtime.observability</c>.</summary>
    public ObservabilityConfig Observability { get; set; } = new();
}
