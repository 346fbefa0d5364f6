namespace Portway.Nodes;

/// <summary>Everything a node may know about the message it is running on. No protocol types, no transport headers.</summary>
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

    /// <summary>The W3C <c>traceparent</c> of this stage's span (for a call the node makes onward); empty when none.</summary>
    public string TraceParent { get; init; } = "";

    /// <summary>The tenant, when the ingress knows one.</summary>
    public string Tenant { get; init; } = "";

    /// <summary>Who is calling (<see cref="CallerIdentity.Anonymous"/> when nobody was authenticated).</summary>
    public CallerIdentity Identity { get; init; } = CallerIdentity.Anonymous;

    /// <summary>
    /// When the caller stops waiting: work past it is wasted (the cancellation token fires then too). Null when the
    /// stage runs where the deadline is not known (a child process over tcp_local).
    /// </summary>
    public DateTimeOffset? Deadline { get; init; }
}
