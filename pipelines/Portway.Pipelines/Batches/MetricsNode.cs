using Portway.Nodes;

namespace Portway.Pipelines.Batches;

/// <summary>
/// <c>batch.metrics</c>: answers <c>{"items_per_second","cache_hit_rate","cache_hits","computed",
/// "queue_depth":{"0".."9"},"running","concurrency"}</c>.
/// </summary>
[PortwayNode("batch.metrics")]
internal sealed class MetricsNode : Node<MetricsNode.Input, BatchMetrics>
{
    private readonly BatchProcessor _processor;

    /// <summary>Used by the runtime: the processor from DI (<see cref="PipelineServiceCollectionExtensions.AddPortwayPipelines"/>).</summary>
    public MetricsNode(BatchProcessor processor) => _processor = processor;

    protected override ValueTask<NodeOutcome<BatchMetrics>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<NodeOutcome<BatchMetrics>>(_processor.Metrics());

    internal sealed record Input;
}
