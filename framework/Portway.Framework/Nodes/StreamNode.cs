using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Portway.Nodes;

/// <summary>
/// A stream node with typed input and items, (de)serialized with <see cref="NodeJson.Options"/>. Input that
/// does not bind answers <see cref="ErrorCode.ValidationFailed"/> before <see cref="ProduceAsync"/> runs; a
/// <see cref="PortwayException"/> thrown while producing ends the stream with its error.
/// </summary>
public abstract class StreamNode<TIn, TItem> : IStreamNode
{
    /// <summary>Produces the stream's items.</summary>
    protected abstract IAsyncEnumerable<TItem> ProduceAsync(TIn input, NodeContext context, CancellationToken cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<NodeResult> StreamAsync(NodeContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (NodeInput.Bind<TIn>(context.Input, out var input) is { } invalid)
        {
            yield return NodeResult.Failure(invalid);
            yield break;
        }

        var items = ProduceAsync(input!, context, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (items.ConfigureAwait(false))
        {
            while (true)
            {
                PortwayError? error = null;
                var more = false;
                try
                {
                    more = await items.MoveNextAsync().ConfigureAwait(false);
                }
                catch (PortwayException ex)
                {
                    error = ex.Error;
                }

                if (error is not null)
                {
                    yield return NodeResult.Failure(error);
                    yield break;
                }

                if (!more)
                {
                    yield break;
                }

                yield return NodeResult.Success(JsonSerializer.SerializeToUtf8Bytes(items.Current, NodeJson.Options));
            }
        }
    }
}
