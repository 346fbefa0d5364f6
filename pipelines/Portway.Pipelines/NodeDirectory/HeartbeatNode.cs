using Portway.Nodes;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// <c>directory.heartbeat</c>: <c>{"id"}</c> records a heartbeat and answers the node, <c>active</c> again from any state before dead; an unknown (or dead) node is <c>not_found</c>.
/// </summary>
[PortwayNode("directory.heartbeat")]
internal sealed class HeartbeatNode : Node<HeartbeatNode.Input, DirectoryNodeView>
{
    private readonly NodeDirectoryService _directory;

    /// <summary>Used by the runtime: the directory from DI (<see cref="PipelineServiceCollectionExtensions.AddPortwayPipelines"/>).</summary>
    public HeartbeatNode(NodeDirectoryService directory) => _directory = directory;

    protected override async ValueTask<NodeOutcome<DirectoryNodeView>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken) =>
        await _directory.HeartbeatAsync(input.Id, cancellationToken).ConfigureAwait(false);

    internal sealed record Input(string? Id);
}
