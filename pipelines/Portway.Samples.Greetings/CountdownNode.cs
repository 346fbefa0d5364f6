using System.Runtime.CompilerServices;
using Portway.Nodes;

namespace Portway.Samples.Greetings;

/// <summary><c>greetings.countdown</c> (a stream): <c>{"from": N}</c> (1..100) → items <c>{"n": N}</c> .. <c>{"n": 1}</c>.</summary>
[PortwayNode("greetings.countdown")]
public sealed class CountdownNode : StreamNode<CountdownNode.Input, CountdownNode.Item>
{
    protected override async IAsyncEnumerable<Item> ProduceAsync(Input input, NodeContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.From is not (>= 1 and <= 100))
        {
            throw new PortwayException(ErrorCode.ValidationFailed, "from must be an integer from 1 to 100");
        }

        for (var n = input.From.Value; n >= 1; n--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new Item(n);
            await Task.Yield();
        }
    }

    /// <summary>The input.</summary>
    public sealed record Input(int? From);

    /// <summary>One item.</summary>
    public sealed record Item(int N);
}
