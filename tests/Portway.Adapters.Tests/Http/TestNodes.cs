using System.Text.Json;
using Portway.Nodes;

namespace Portway.Adapters.Tests.Http;

/// <summary><c>test.context</c>: answers what the node was told about the message (correlation, tenant, input).</summary>
internal sealed class ContextNode : INode
{
    public ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken)
    {
        var answer = new Dictionary<string, object?>
        {
            ["trace_id"] = context.TraceId,
            ["request_id"] = context.RequestId,
            ["tenant"] = context.Tenant,
            ["pipeline"] = context.Pipeline,
            ["stage"] = context.Stage,
            ["traceparent"] = context.TraceParent.Length > 0 ? context.TraceParent : null,
            ["input"] = JsonSerializer.Deserialize<JsonElement>(context.Input.Span),
        };
        return ValueTask.FromResult(NodeResult.Success(JsonSerializer.SerializeToUtf8Bytes(answer)));
    }
}

/// <summary>Released by the test; <see cref="GateNode"/> waits for it.</summary>
internal sealed class Gate
{
    public TaskCompletionSource Open { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary><c>test.gate</c>: waits until the test opens the gate (or cancellation), then echoes.</summary>
internal sealed class GateNode(Gate gate) : INode
{
    public async ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken)
    {
        await gate.Open.Task.WaitAsync(cancellationToken);
        return NodeResult.Success(context.Input);
    }
}
