using Microsoft.Extensions.DependencyInjection;

namespace Portway.Nodes.BuiltIn;

/// <summary><c>sys.fail</c>: <c>{"code","message"}</c> answers that error. An unknown code answers <c>validation_failed</c>.</summary>
[PortwayNode("sys.fail", Lifetime = ServiceLifetime.Singleton)] // stateless: one instance, no DI scope per invocation
internal sealed class FailNode : Node<FailNode.Input, object>
{
    protected override ValueTask<NodeOutcome<object>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken)
    {
        var code = input.Code ?? ErrorCode.Internal;
        var error = ErrorCode.IsKnown(code)
            ? new PortwayError(code, input.Message ?? code)
            : new PortwayError(ErrorCode.ValidationFailed, $"code '{code}' is not in the taxonomy ({string.Join(", ", ErrorCode.All)})");
        return ValueTask.FromResult<NodeOutcome<object>>(error);
    }

    internal sealed record Input(string? Code, string? Message);
}
