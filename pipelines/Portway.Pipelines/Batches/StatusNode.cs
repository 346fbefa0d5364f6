using Portway.Nodes;

namespace Portway.Pipelines.Batches;

/// <summary>
/// <c>batch.status</c>: <c>{"id"}</c> answers <c>{"id","priority","status","counts","items":[{"index","status",
/// "cached","result","error"}]}</c>; an unknown batch is <c>not_found</c>.
/// </summary>
[PortwayNode("batch.status")]
internal sealed class StatusNode : Node<StatusNode.Input, BatchView>
{
    private readonly BatchProcessor _processor;

    /// <summary>Used by the runtime: the processor from DI (<see cref="PipelineServiceCollectionExtensions.AddPortwayPipelines"/>).</summary>
    public StatusNode(BatchProcessor processor) => _processor = processor;

    protected override ValueTask<NodeOutcome<BatchView>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<NodeOutcome<BatchView>>(_processor.Get(input.Id));

    internal sealed record Input(string? Id);
}
