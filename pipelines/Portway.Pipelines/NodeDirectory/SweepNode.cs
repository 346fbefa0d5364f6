using Portway.Configuration;
using Portway.Nodes;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// <c>directory.sweep</c>: removes dead nodes and answers <c>{"at","removed","states":{STATE: COUNT}}</c>. What a schedule runs to advance the timeline.
/// </summary>
[PortwayNode("directory.sweep")]
internal sealed class SweepNode : Node<SweepNode.Input, DirectorySweep>
{
    private readonly NodeDirectoryService _directory;

    /// <summary>Used by the runtime: the directory for the configured data directory.</summary>
    public SweepNode(PortwayConfig config, TimeProvider time) : this(NodeDirectoryService.For(config, time)) { }

    internal SweepNode(NodeDirectoryService directory) => _directory = directory;

    protected override ValueTask<NodeOutcome<DirectorySweep>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<NodeOutcome<DirectorySweep>>(_directory.Sweep());

    internal sealed record Input;
}
