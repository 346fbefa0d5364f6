namespace Portway.Nodes;

/// <summary>
/// A business node: takes one JSON input and answers one success or error. It never sees a protocol.
/// Most nodes derive from <see cref="Node{TIn, TOut}"/>, which does the JSON for them.
/// </summary>
public interface INode
{
    /// <summary>Runs the node on <see cref="NodeContext.Input"/>.</summary>
    ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken);
}
