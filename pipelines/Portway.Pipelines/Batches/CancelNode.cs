using Portway.Nodes;

namespace Portway.Pipelines.Batches;

/// <summary>
/// <c>batch.cancel</c>: <c>{"id"}</c> cancels the batch (waiting items stop at once, running ones are cancelled and
/// end as <c>cancelled</c> shortly after) and answers its status; an unknown batch is <c>not_found</c>.
/// </summary>
[PortwayNode("batch.cancel")]
internal sealed class CancelNode : Node<CancelNode.Input, BatchView>
{
    private readonly BatchProcessor _processor;

    /// <summary>Used by the runtime: the processor from DI (<see cref="PipelineServiceCollectionExtensions.AddPortwayPipelines"/>).</summary>
    public CancelNode(BatchProcessor processor) => _processor = processor;

    protected override ValueTask<NodeOutcome<BatchView>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<NodeOutcome<BatchView>>(_processor.Cancel(input.Id));

    internal sealed record Input(string? Id);
}
