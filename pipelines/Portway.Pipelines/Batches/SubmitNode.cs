using System.Text.Json;
using Portway.Nodes;

namespace Portway.Pipelines.Batches;

/// <summary>
/// <c>batch.submit</c>: <c>{"items":[...],"priority":0..9}</c> (1 to 1000 items, priority defaults to 5, 9 is the
/// most urgent) queues the batch and answers <c>{"id","priority","status","counts"}</c> at once; the items run in
/// the background (<see cref="BatchProcessor"/>). The pool's size is the stage's <c>with: { concurrency: N }</c>; each
/// item runs through the pipeline of its <c>with: { item_pipeline: NAME }</c>; a finished batch goes to the http egress
/// of its <c>with: { egress: NAME }</c> (the config loader checks that both names resolve, at their line and column).
/// </summary>
[PortwayNode(Name, Egress = "http", WithPipelines = new[] { "item_pipeline" })]
[PortwayNodeSetting("concurrency", Min = 1, Max = BatchOptions.MaxConcurrency)]
[PortwayNodeSetting("item_timeout_ms", Min = 1, Max = BatchOptions.MaxItemTimeoutMs)]
internal sealed class SubmitNode : Node<SubmitNode.Input, SubmitNode.Output>
{
    public const string Name = "batch.submit";

    private readonly BatchProcessor _processor;

    /// <summary>Used by the runtime: the processor from DI (<see cref="PipelineServiceCollectionExtensions.AddPortwayPipelines"/>).</summary>
    public SubmitNode(BatchProcessor processor) => _processor = processor;

    protected override ValueTask<NodeOutcome<Output>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken)
    {
        var batch = _processor.Submit(input.Items, input.Priority, TraceParentOf(context));
        return ValueTask.FromResult<NodeOutcome<Output>>(new Output(batch.Id, batch.Priority, batch.Status, batch.Counts));
    }

    /// <summary>The stage's <c>traceparent</c>, or one in the request's trace; empty without a trace.</summary>
    private static string TraceParentOf(NodeContext context) =>
        context.TraceParent.Length > 0 ? context.TraceParent
        : context.TraceId.Length == 32 ? $"00-{context.TraceId}-{EnvelopeIds.NewSpanId()}-01"
        : "";

    internal sealed record Input(IReadOnlyList<JsonElement>? Items, int? Priority);

    internal sealed record Output(string Id, int Priority, string Status, BatchCounts Counts);
}
