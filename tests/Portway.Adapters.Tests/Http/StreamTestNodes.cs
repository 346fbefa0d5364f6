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
