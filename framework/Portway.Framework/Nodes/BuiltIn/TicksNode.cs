using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;

namespace Portway.Nodes.BuiltIn;

/// <summary>
/// <c>sys.ticks</c>: <c>{"count": N, "interval_ms": M}</c> produces N items <c>{"n": 1..N}</c>, waiting M
/// milliseconds before each one after the first (honouring cancellation). For tests, demos and benchmarks.
/// </summary>
[PortwayNode("sys.ticks", Lifetime = ServiceLifetime.Singleton)] // stateless: one instance, no DI scope per invocation
internal sealed class TicksNode(TimeProvider time) : StreamNode<TicksNode.Input, TicksNode.Tick>
{
    /// <summary>The most items one request may ask for.</summary>
    public const int MaxCount = 1_000_000;

    /// <summary>The longest interval one request may ask for.</summary>
    public const int MaxIntervalMs = 600_000;

    protected override async IAsyncEnumerable<Tick> ProduceAsync(Input input, NodeContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (input.Count is not { } count || count < 0 || count > MaxCount)
        {
            throw new PortwayException(ErrorCode.ValidationFailed, $"count is required: an integer from 0 to {MaxCount}");
        }

        if (input.IntervalMs < 0 || input.IntervalMs > MaxIntervalMs)
        {
            throw new PortwayException(ErrorCode.ValidationFailed, $"interval_ms must be an integer from 0 to {MaxIntervalMs}");
        }

        var interval = TimeSpan.FromMilliseconds(input.IntervalMs);
        for (var n = 1; n <= count; n++)
        {
            if (n > 1 && interval > TimeSpan.Zero)
            {
                await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            yield return new Tick(n);
        }
    }

    /// <summary>The input of <c>sys.ticks</c>.</summary>
    internal sealed record Input(int? Count, int IntervalMs = 0);

    /// <summary>One item of <c>sys.ticks</c>.</summary>
    internal sealed record Tick(int N);
}
