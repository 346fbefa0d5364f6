using Portway.Configuration;
using Portway.Nodes;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// <c>directory.heartbeat</c>: <c>{"id"}</c> records a heartbeat and answers the node, <c>active</c> again from any state before dead; an unknown (or dead) node is <c>not_found</c>.
/// </summary>
[PortwayNode("directory.heartbeat")]
internal sealed class HeartbeatNode : Node<HeartbeatNode.Input, DirectoryNodeView>
{
    private readonly NodeDirectoryService _directory;

    /// <summary>Used by the runtime: the directory for the configured data directory.</summary>
    public HeartbeatNode(PortwayConfig config, TimeProvider time) : this(NodeDirectoryService.For(config, time)) { }

    internal HeartbeatNode(NodeDirectoryService directory) => _directory = directory;

    protected override ValueTask<NodeOutcome<DirectoryNodeView>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<NodeOutcome<DirectoryNodeView>>(_directory.Heartbeat(input.Id));

    internal sealed record Input(string? Id);
}
