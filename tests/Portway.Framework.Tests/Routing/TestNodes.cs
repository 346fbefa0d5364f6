using System.Text;
using Portway.Nodes;

namespace Portway.Framework.Tests.Routing;

/// <summary>Shared signals the test nodes report to.</summary>
internal sealed class Probe
{
    public TaskCompletionSource BothStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public int Started;
}

/// <summary><c>test.tag</c>: answers <c>{"by":STAGE,"in":INPUT}</c>.</summary>
internal sealed class TagNode : INode
{
    public ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(NodeResult.Success(Encoding.UTF8.GetBytes($"{{\"by\":\"{context.Stage}\",\"in\":{Encoding.UTF8.GetString(context.Input.Span)}}}")));
}

/// <summary><c>test.barrier</c>: finishes only once two barrier stages have started: proves they run in parallel.</summary>
internal sealed class BarrierNode(Probe probe) : INode
{
    public async ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref probe.Started) == 2)
        {
            probe.BothStarted.TrySetResult();
        }

        await probe.BothStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        return NodeResult.Success(Encoding.UTF8.GetBytes($"\"{context.Stage}\""));
    }
}

/// <summary><c>test.hang</c>: waits until cancelled, and reports the cancellation.</summary>
internal sealed class HangNode(Probe probe) : INode
{
    public async ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            probe.Cancelled.TrySetResult();
            throw;
        }

        return NodeResult.Success("{}"u8.ToArray());
    }
}

/// <summary><c>test.throw</c>: a node with a bug.</summary>
internal sealed class ThrowNode : INode
{
    public ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("bug");
}

/// <summary><c>test.teapot</c>: answers an error code of its own making, outside the taxonomy.</summary>
internal sealed class TeapotNode : INode
{
    public ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(NodeResult.Failure("teapot_" + context.RequestId, "I'm a teapot"));
}

/// <summary><c>test.context</c>: answers what its <see cref="NodeContext"/> says of the hop: pipeline, stage, trace context.</summary>
internal sealed class ContextNode : INode
{
    public ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(NodeResult.Success(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            new Dictionary<string, string> { ["pipeline"] = context.Pipeline, ["stage"] = context.Stage, ["traceparent"] = context.TraceParent })));
}

/// <summary><c>test.raw</c>: answers bytes that are not JSON.</summary>
internal sealed class RawNode : INode
{
    public ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(NodeResult.Success("not json"u8.ToArray()));
}
