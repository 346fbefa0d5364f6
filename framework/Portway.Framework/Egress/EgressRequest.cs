namespace Portway.Egress;

/// <summary>One call through an HTTP egress: method, path under the egress's base URL, JSON body, trace.</summary>
public sealed class EgressRequest
{
    /// <summary>The HTTP method. Defaults to <c>POST</c>.</summary>
    public string Method { get; init; } = "POST";

    /// <summary>The path (and query) relative to the egress's <c>base_url</c>; starts with <c>/</c>. Defaults to <c>/</c>.</summary>
    public string Path { get; init; } = "/";

    /// <summary>The body (JSON); empty sends no body.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The W3C <c>traceparent</c> to send (a node passes <c>NodeContext.TraceParent</c>); empty sends none.</summary>
    public string TraceParent { get; init; } = "";
}
