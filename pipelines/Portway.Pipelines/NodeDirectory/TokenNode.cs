using Portway.Configuration;
using Portway.Nodes;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// <c>directory.token</c>: <c>{"id"}</c> answers <c>{"token","expires_at","node_id"}</c>, a 5-minute ES256 token signed with the directory key (<see cref="DirectoryToken"/>); a node in coma gets <c>conflict</c> until it sends a heartbeat.
/// </summary>
[PortwayNode("directory.token")]
internal sealed class TokenNode : Node<TokenNode.Input, TokenNode.Output>
{
    private readonly NodeDirectoryService _directory;

    /// <summary>Used by the runtime: the directory for the configured data directory.</summary>
    public TokenNode(PortwayConfig config, TimeProvider time) : this(NodeDirectoryService.For(config, time)) { }

    internal TokenNode(NodeDirectoryService directory) => _directory = directory;

    protected override ValueTask<NodeOutcome<TokenNode.Output>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<NodeOutcome<TokenNode.Output>>(Issue(input.Id));

    private Output Issue(string? id)
    {
        var (token, expiresAt) = _directory.IssueToken(id);
        return new Output(token, expiresAt, id!);
    }

    internal sealed record Input(string? Id);

    internal sealed record Output(string Token, DateTimeOffset ExpiresAt, string NodeId);
}
