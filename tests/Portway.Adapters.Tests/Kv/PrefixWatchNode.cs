using Portway.Kv;
using Portway.Nodes;

namespace Portway.Adapters.Tests.Kv;

/// <summary><c>test.kv_watch</c>: <c>{"prefix"}</c> watches every key under the prefix (a test node: no tenant rules).</summary>
internal sealed class PrefixWatchNode(IKvStore kv) : KvWatchNode<PrefixWatchNode.Input>(kv)
{
    protected override ValueTask<KvSelector> SelectAsync(Input input, NodeContext context, CancellationToken cancellationToken) =>
        input.Prefix is { Length: > 0 } prefix
            ? ValueTask.FromResult(KvSelector.ForPrefix(prefix))
            : throw new PortwayException(ErrorCode.ValidationFailed, "prefix is required");

    internal sealed record Input(string? Prefix);
}
