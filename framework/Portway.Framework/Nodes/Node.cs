using System.Text.Json;

namespace Portway.Nodes;

/// <summary>
/// A node with typed input and output, (de)serialized with <see cref="NodeJson.Options"/>.
/// Input that does not bind answers <see cref="ErrorCode.ValidationFailed"/> before
/// <see cref="ExecuteAsync"/> runs; a <see cref="PortwayException"/> thrown inside answers its error.
/// </summary>
public abstract class Node<TIn, TOut> : INode
{
    /// <summary>Runs the node's logic.</summary>
    protected abstract ValueTask<NodeOutcome<TOut>> ExecuteAsync(TIn input, NodeContext context, CancellationToken cancellationToken);

    /// <inheritdoc />
    public async ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (NodeInput.Bind<TIn>(context.Input, out var input) is { } invalid)
        {
            return NodeResult.Failure(invalid);
        }

        NodeOutcome<TOut> outcome;
        try
        {
            outcome = await ExecuteAsync(input!, context, cancellationToken).ConfigureAwait(false);
        }
        catch (PortwayException ex)
        {
            return NodeResult.Failure(ex.Error);
        }

        return outcome.Error is { } error
            ? NodeResult.Failure(error)
            : NodeResult.Success(JsonSerializer.SerializeToUtf8Bytes(outcome.Value, NodeJson.Options));
    }
}
