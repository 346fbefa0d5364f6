using Portway.Nodes;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// <c>directory.sweep</c>: removes dead nodes and answers <c>{"at","removed","states":{STATE: COUNT}}</c>. What a schedule runs to advance the timeline.
/// </summary>
[PortwayNode("directory.sweep", Egress = "websocket")]
[PortwayNodeSetting("retries", Boolean = true)]
[PortwayNodeSetting("retry_timeout_ms", Min = DirectoryRetryOptions.MinTimeoutMs, Max = DirectoryRetryOptions.MaxTimeoutMs)]
[PortwayNodeSetting("retry_concurrency", Min = 1, Max = DirectoryRetryOptions.MaxConcurrency)]
internal sealed class SweepNode : Node<SweepNode.Input, DirectorySweep>
{
    private readonly NodeDirectoryService _directory;

    /// <summary>Used by the runtime: the directory from DI (<see cref="PipelineServiceCollectionExtensions.AddPortwayPipelines"/>).</summary>
    public SweepNode(NodeDirectoryService directory) => _directory = directory;

    protected override async ValueTask<NodeOutcome<DirectorySweep>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken)
    {
        var sweep = await _directory.SweepAsync(cancellationToken).ConfigureAwait(false);
        _directory.Notifier?.Notify(context, "swept", sweep);
        return sweep;
    }

    internal sealed record Input;
}
