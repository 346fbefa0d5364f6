namespace Portway.Configuration;

/// <summary><c>runtime.egress</c>: the external services nodes may call, by name (see <c>Portway.Egress.IPortwayEgress</c>).</summary>
public sealed class EgressConfig
{
    /// <summary><c>http</c>: named outbound HTTP clients.</summary>
    public List<HttpEgressConfig> Http { get; set; } = [];

    /// <summary><c>websocket</c>: named outbound WebSocket clients that reconnect by themselves.</summary>
    public List<WebSocketEgressConfig> WebSocket { get; set; } = [];
}
