namespace Portway.Configuration;

/// <summary>An entry of <c>runtime.web.interfaces</c>: one ingress kind and its endpoints.</summary>
public sealed class InterfaceConfig
{
    /// <summary><c>kind</c> (required): <c>http</c>, <c>websocket</c> or <c>graphql</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary><c>binds</c>: ports this interface binds (<c>request</c>, <c>response</c>, <c>stream</c>, <c>kv_stream</c>).</summary>
    public List<string> Binds { get; set; } = [];

    /// <summary><c>endpoints</c>.</summary>
    public List<EndpointConfig> Endpoints { get; set; } = [];
}
