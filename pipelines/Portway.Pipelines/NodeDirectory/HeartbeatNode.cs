using System.Text.Json.Serialization;
using Portway.Nodes;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// <c>directory.heartbeat</c>: <c>{"id","ts","sig"}</c> (signed by the node's key, <see cref="NodeSignature"/>; a missing, wrong, stale or replayed signature is <c>unauthorized</c>) records a heartbeat and answers the node, <c>active</c> again from any state before dead; an unknown (or dead) node is <c>not_found</c>.
/// </summary>
[PortwayNode("directory.heartbeat")]
internal sealed class HeartbeatNode : Node<HeartbeatNode.Input, DirectoryNodeView>
{
    private readonly NodeDirectoryService _directory;

    /// <summary>Used by the runtime: the directory from DI (<see cref="PipelineServiceCollectionExtensions.AddPortwayPipelines"/>).</summary>
    public HeartbeatNode(NodeDirectoryService directory) => _directory = directory;

    protected override async ValueTask<NodeOutcome<DirectoryNodeView>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken) =>
        await _directory.HeartbeatAsync(input.Id, new NodeProof(input.Ts, input.Sig), cancellationToken).ConfigureAwait(false);

    internal sealed record Input(string? Id, [property: JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] long? Ts, string? Sig);
}
