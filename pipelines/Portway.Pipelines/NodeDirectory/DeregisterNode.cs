using Portway.Nodes;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// <c>directory.deregister</c>: <c>{"id"}</c> removes the node and answers <c>{"id","deregistered":true}</c>; an unknown node is <c>not_found</c>.
/// </summary>
[PortwayNode("directory.deregister", Egress = "websocket")]
internal sealed class DeregisterNode : Node<DeregisterNode.Input, DeregisterNode.Output>
{
    private readonly NodeDirectoryService _directory;

    /// <summary>Used by the runtime: the directory from DI (<see cref="PipelineServiceCollectionExtensions.AddPortwayPipelines"/>).</summary>
    public DeregisterNode(NodeDirectoryService directory) => _directory = directory;

    protected override async ValueTask<NodeOutcome<DeregisterNode.Output>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken)
    {
        await _directory.DeregisterAsync(input.Id, cancellationToken).ConfigureAwait(false);
        var output = new Output(input.Id!, true);
        _directory.Notifier?.Notify(context, "deregistered", output);
        return output;
    }

    internal sealed record Input(string? Id);

    internal sealed record Output(string Id, bool Deregistered);
}
