using System.Runtime.CompilerServices;
using System.Text.Json;
using Portway.Nodes;

namespace Portway.Kv;

/// <summary>
/// A <c>kv_stream</c> node with typed input: <see cref="SelectAsync"/> turns the input into the keys or prefix to
/// watch (and may refuse it with a <see cref="PortwayException"/>); each change becomes one item
/// (<see cref="ToItem"/>, by default a <see cref="KvStreamItem"/>). The stream ends with the watch's error when the
/// store ends it (a reader too slow, the backend gone: <see cref="ErrorCode.Unavailable"/>).
/// </summary>
public abstract class KvWatchNode<TIn> : IKvStreamNode
{
    /// <summary>Watches <paramref name="store"/>.</summary>
    protected KvWatchNode(IKvStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
    }

    /// <summary>The store watched.</summary>
    protected IKvStore Store { get; }

    /// <summary>What <paramref name="input"/> asks to watch.</summary>
    protected abstract ValueTask<KvSelector> SelectAsync(TIn input, NodeContext context, CancellationToken cancellationToken);

    /// <summary>The item a subscriber gets for <paramref name="change"/>, serialized with <see cref="NodeJson.Options"/>.</summary>
    protected virtual object ToItem(KvChange change) => KvStreamItem.From(change);

    /// <inheritdoc />
    public async IAsyncEnumerable<NodeResult> StreamAsync(NodeContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (selector, invalid) = await SelectFromAsync(context, cancellationToken).ConfigureAwait(false);
        if (invalid is not null)
        {
            yield return NodeResult.Failure(invalid);
            yield break;
        }

        var changes = Store.WatchAsync(selector!, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (changes.ConfigureAwait(false))
        {
            while (true)
            {
                PortwayError? error = null;
                var more = false;
                try
                {
                    more = await changes.MoveNextAsync().ConfigureAwait(false);
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

                if (!more) yield break;
                var item = ToItem(changes.Current);
                yield return NodeResult.Success(JsonSerializer.SerializeToUtf8Bytes(item, item.GetType(), NodeJson.Options));
            }
        }
    }

    private async ValueTask<(KvSelector? Selector, PortwayError? Error)> SelectFromAsync(NodeContext context, CancellationToken cancellationToken)
    {
        try
        {
            var input = JsonSerializer.Deserialize<TIn>(context.Input.Span, NodeJson.Options);
            return input is null
                ? (null, new PortwayError(ErrorCode.ValidationFailed, "input is required"))
                : (await SelectAsync(input, context, cancellationToken).ConfigureAwait(false), null);
        }
        catch (JsonException ex)
        {
            var where = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "input" : ex.Path;
            return (null, new PortwayError(ErrorCode.ValidationFailed, $"{where}: {ex.Message.Split(" Path:")[0]}"));
        }
        catch (PortwayException ex)
        {
            return (null, ex.Error);
        }
    }
}
