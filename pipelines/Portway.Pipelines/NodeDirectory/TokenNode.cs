using System.Text.Json.Serialization;
using Portway.Nodes;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// <c>directory.token</c>: <c>{"id","ts","sig"}</c> (signed by the node's key, as a heartbeat) answers <c>{"token","expires_at","node_id"}</c>, a 5-minute ES256 token signed with the directory key (<see cref="DirectoryToken"/>); a node in coma gets <c>conflict</c> until it sends a heartbeat.
/// </summary>
[PortwayNode("directory.token")]
internal sealed class TokenNode : Node<TokenNode.Input, TokenNode.Output>
{
    private readonly NodeDirectoryService _directory;

    /// <summary>Used by the runtime: the directory from DI (<see cref="PipelineServiceCollectionExtensions.AddPortwayPipelines"/>).</summary>
    public TokenNode(NodeDirectoryService directory) => _directory = directory;

    protected override async ValueTask<NodeOutcome<TokenNode.Output>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken)
    {
        var (token, expiresAt) = await _directory.IssueTokenAsync(input.Id, new NodeProof(input.Ts, input.Sig), cancellationToken).ConfigureAwait(false);
        return new Output(token, expiresAt, input.Id!);
    }

    internal sealed record Input(string? Id, [property: JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] long? Ts, string? Sig);

    internal sealed record Output(string Token, DateTimeOffset ExpiresAt, string NodeId);
}
