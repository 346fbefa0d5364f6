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
        TIn? input;
        try
        {
            input = JsonSerializer.Deserialize<TIn>(context.Input.Span, NodeJson.Options);
        }
        catch (JsonException ex)
        {
            var where = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "input" : ex.Path;
            return NodeResult.Failure(ErrorCode.ValidationFailed, $"{where}: {FirstLine(ex.Message)}");
        }

        if (input is null)
        {
            return NodeResult.Failure(ErrorCode.ValidationFailed, "input is required");
        }

        NodeOutcome<TOut> outcome;
        try
        {
            outcome = await ExecuteAsync(input, context, cancellationToken).ConfigureAwait(false);
        }
        catch (PortwayException ex)
        {
            return NodeResult.Failure(ex.Error);
        }

        return outcome.Error is { } error
            ? NodeResult.Failure(error)
            : NodeResult.Success(JsonSerializer.SerializeToUtf8Bytes(outcome.Value, NodeJson.Options));
    }

    private static string FirstLine(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
