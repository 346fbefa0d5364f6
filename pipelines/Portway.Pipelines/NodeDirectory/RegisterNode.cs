using Portway.Nodes;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// <c>directory.register</c>: <c>{"id","public_key","endpoints":[...],"capabilities":[...]}</c> registers the node (or, with the same public key, replaces its endpoints and capabilities) and answers the node with <c>"created"</c>; another public key for a registered id is <c>conflict</c>.
/// </summary>
[PortwayNode("directory.register", Egress = "websocket")]
internal sealed class RegisterNode : Node<RegisterNode.Input, DirectoryNodeView>
{
    private readonly NodeDirectoryService _directory;

    /// <summary>Used by the runtime: the directory from DI (<see cref="PipelineServiceCollectionExtensions.AddPortwayPipelines"/>).</summary>
    public RegisterNode(NodeDirectoryService directory) => _directory = directory;

    protected override async ValueTask<NodeOutcome<DirectoryNodeView>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken)
    {
        var node = await _directory.RegisterAsync(input.Id, input.PublicKey, input.Endpoints, input.Capabilities, cancellationToken).ConfigureAwait(false);
        _directory.Notifier?.Notify(context, "registered", node);
        return node;
    }

    internal sealed record Input(string? Id, string? PublicKey, IReadOnlyList<string?>? Endpoints, IReadOnlyList<string?>? Capabilities);
}
