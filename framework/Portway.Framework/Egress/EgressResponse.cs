namespace Portway.Egress;

/// <summary>A successful (2xx) answer of an HTTP egress call.</summary>
public sealed class EgressResponse
{
    /// <summary>The upstream status code (200 to 299).</summary>
    public required int StatusCode { get; init; }

    /// <summary>The body, at most the egress's <c>max_response_bytes</c>.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The media type of the body (<c>application/json</c>...), empty when the upstream sent none.</summary>
    public string MediaType { get; init; } = "";
}
