using Portway.Nodes;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// <c>directory.get</c>: <c>{"id"}</c> answers the node with its <c>state</c> (<c>active</c>, <c>pending</c>, <c>retry_48h</c>, <c>retry_2w</c>, <c>retry_2m</c>, <c>coma</c>); an unknown or dead node is <c>not_found</c>.
/// </summary>
[PortwayNode("directory.get")]
internal sealed class GetNode : Node<GetNode.Input, DirectoryNodeView>
{
    private readonly NodeDirectoryService _directory;

    /// <summary>Used by the runtime: the directory from DI (<see cref="PipelineServiceCollectionExtensions.AddPortwayPipelines"/>).</summary>
    public GetNode(NodeDirectoryService directory) => _directory = directory;

    protected override async ValueTask<NodeOutcome<DirectoryNodeView>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken) =>
        await _directory.GetAsync(input.Id, cancellationToken).ConfigureAwait(false);

    internal sealed record Input(string? Id);
}
