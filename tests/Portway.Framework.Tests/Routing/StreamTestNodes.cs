using System.Runtime.CompilerServices;
using System.Text;
using Portway.Nodes;

namespace Portway.Framework.Tests.Routing;

/// <summary><c>test.stream_fail</c>: two items <c>1</c>, <c>2</c>, then a <c>conflict</c> error.</summary>
internal sealed class FailingStreamNode : IStreamNode
{
    public async IAsyncEnumerable<NodeResult> StreamAsync(NodeContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        yield return NodeResult.Success("1"u8.ToArray());
        yield return NodeResult.Success("2"u8.ToArray());
        yield return NodeResult.Failure(ErrorCode.Conflict, "third item refused");
        yield return NodeResult.Success("4"u8.ToArray());
    }
}

/// <summary><c>test.stream_forever</c>: one item, then waits until cancelled, and reports the cancellation.</summary>
internal sealed class ForeverStreamNode(Probe probe) : IStreamNode
{
    public async IAsyncEnumerable<NodeResult> StreamAsync(NodeContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return NodeResult.Success("\"first\""u8.ToArray());
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            probe.Cancelled.TrySetResult();
            throw;
        }

        yield return NodeResult.Success("\"never\""u8.ToArray());
    }
}

/// <summary><c>test.stream_count</c>: <c>{"n": N}</c> answers the numbers 1..N as fast as it may.</summary>
internal sealed class CountStreamNode : IStreamNode
{
    public async IAsyncEnumerable<NodeResult> StreamAsync(NodeContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var input = System.Text.Json.JsonDocument.Parse(context.Input);
        var n = input.RootElement.GetProperty("n").GetInt32();
        for (var i = 1; i <= n; i++)
        {
            await Task.Yield();
            yield return NodeResult.Success(Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }
}

/// <summary><c>test.stream_throw</c>: one item, then a bug.</summary>
internal sealed class ThrowingStreamNode : IStreamNode
{
    public async IAsyncEnumerable<NodeResult> StreamAsync(NodeContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        yield return NodeResult.Success("1"u8.ToArray());
        throw new InvalidOperationException("secret detail");
    }
}
