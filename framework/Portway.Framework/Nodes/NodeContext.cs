namespace Portway.Nodes;

/// <summary>Everything a node may know about the message it is running on. No protocol types.</summary>
public sealed class NodeContext
{
    /// <summary>The stage's input, JSON.</summary>
    public required ReadOnlyMemory<byte> Input { get; init; }

    /// <summary>The pipeline being run.</summary>
    public required string Pipeline { get; init; }

    /// <summary>The stage being run.</summary>
    public required string Stage { get; init; }

    /// <summary>The W3C trace id of the request.</summary>
    public required string TraceId { get; init; }

    /// <summary>The request id of the request.</summary>
    public required string RequestId { get; init; }

    /// <summary>The tenant, when the ingress knows one.</summary>
    public string Tenant { get; init; } = "";

    /// <summary>Who is calling (subject, tenant, scopes), as the ingress authenticated them; anonymous when nobody was.</summary>
    public CallerIdentity Identity { get; init; } = CallerIdentity.Anonymous;

    /// <summary>The envelope's headers.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = EmptyHeaders;

    private static readonly Dictionary<string, string> EmptyHeaders = new(StringComparer.Ordinal);
}
