using Portway.Nodes;

namespace Portway.Pipelines.Batches;

/// <summary>
/// <c>batch.progress</c> (a stream node): <c>{"id"}</c> streams one item per finished batch item,
/// <c>{"batch","index","status","cached","result","error","done","total"}</c>: first those finished already, then
/// each as it finishes; the stream ends when every item is final. An unknown batch is <c>not_found</c>.
/// </summary>
[PortwayNode("batch.progress")]
internal sealed class ProgressNode : StreamNode<ProgressNode.Input, BatchProgress>
{
    private readonly BatchProcessor _processor;

    /// <summary>Used by the runtime: the processor from DI (<see cref="PipelineServiceCollectionExtensions.AddPortwayPipelines"/>).</summary>
    public ProgressNode(BatchProcessor processor) => _processor = processor;

    protected override IAsyncEnumerable<BatchProgress> ProduceAsync(Input input, NodeContext context, CancellationToken cancellationToken) =>
        _processor.ProgressAsync(input.Id, cancellationToken);

    internal sealed record Input(string? Id);
}
