using Portway.Configuration;
using Portway.Nodes;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// <c>directory.register</c>: <c>{"id","public_key","endpoints":[...],"capabilities":[...]}</c> registers the node (or, with the same public key, replaces its endpoints and capabilities) and answers the node with <c>"created"</c>; another public key for a registered id is <c>conflict</c>.
/// </summary>
[PortwayNode("directory.register")]
internal sealed class RegisterNode : Node<RegisterNode.Input, DirectoryNodeView>
{
    private readonly NodeDirectoryService _directory;

    /// <summary>Used by the runtime: the directory for the configured data directory.</summary>
    public RegisterNode(PortwayConfig config, TimeProvider time) : this(NodeDirectoryService.For(config, time)) { }

    internal RegisterNode(NodeDirectoryService directory) => _directory = directory;

    protected override ValueTask<NodeOutcome<DirectoryNodeView>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<NodeOutcome<DirectoryNodeView>>(_directory.Register(input.Id, input.PublicKey, input.Endpoints, input.Capabilities));

    internal sealed record Input(string? Id, string? PublicKey, IReadOnlyList<string?>? Endpoints, IReadOnlyList<string?>? Capabilities);
}
