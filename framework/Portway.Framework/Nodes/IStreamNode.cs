namespace Portway.Nodes;

/// <summary>
/// A node that answers one input with many items (the <c>stream</c> port): a subscription, a feed, a batch
/// answered item by item. It never sees a protocol: the same node streams over WebSocket, NDJSON, server-sent
/// events or a GraphQL subscription. Only a pipeline's sink stage may be a stream node.
/// </summary>
/// <remarks>
/// Each successful item is JSON. An item that is a failure ends the stream with that error; the enumeration
/// is not continued after it. Cancellation (the caller went away or cancelled, a deadline passed) stops the
/// enumeration through <c>cancellationToken</c>.
/// </remarks>
public interface IStreamNode
{
    /// <summary>Produces the items for <see cref="NodeContext.Input"/>, in order.</summary>
    IAsyncEnumerable<NodeResult> StreamAsync(NodeContext context, CancellationToken cancellationToken);
}
