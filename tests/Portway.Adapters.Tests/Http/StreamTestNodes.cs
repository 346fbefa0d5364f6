using System.Runtime.CompilerServices;
using Portway.Nodes;

namespace Portway.Adapters.Tests.Http;

/// <summary><c>test.stream_fail</c>: two items <c>{"i":1}</c>, <c>{"i":2}</c>, then a <c>conflict</c> error.</summary>
internal sealed class FailingStreamNode : IStreamNode
{
    public async IAsyncEnumerable<NodeResult> StreamAsync(NodeContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        yield return NodeResult.Success("{\"i\":1}"u8.ToArray());
        yield return NodeResult.Success("{\n  \"i\": 2\n}"u8.ToArray());
        yield return NodeResult.Failure(ErrorCode.Conflict, "third item refused");
    }
}

/// <summary><c>test.stream_big</c>: <c>{"count": N, "size": S}</c> produces N items <c>{"i":n,"pad":"xx..."}</c> of about S bytes, as fast as it may.</summary>
internal sealed class BigStreamNode : StreamNode<BigStreamNode.Input, BigStreamNode.Item>
{
    protected override async IAsyncEnumerable<Item> ProduceAsync(Input input, NodeContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pad = new string('x', input.Size);
        for (var i = 1; i <= input.Count; i++)
        {
            await Task.Yield();
            yield return new Item(i, pad);
        }
    }

    internal sealed record Input(int Count, int Size);

    internal sealed record Item(int I, string Pad);
}
