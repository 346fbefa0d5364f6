namespace Portway.Nodes.BuiltIn;

/// <summary><c>sys.echo</c>: answers its input unchanged.</summary>
[PortwayNode("sys.echo")]
internal sealed class EchoNode : INode
{
    public ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(NodeResult.Success(context.Input));
}
