using Microsoft.Extensions.DependencyInjection;

namespace Portway.Nodes.BuiltIn;

/// <summary><c>sys.echo</c>: answers its input unchanged.</summary>
[PortwayNode("sys.echo", Lifetime = ServiceLifetime.Singleton)] // stateless: one instance, no DI scope per invocation
internal sealed class EchoNode : INode
{
    public ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(NodeResult.Success(context.Input));
}
