using Portway.Configuration;
using Portway.Nodes;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// <c>directory.verify</c>: <c>{"token"}</c> answers <c>{"valid":true,"node_id","expires_at"}</c> when the token
/// verifies against the directory's public key (as any node would verify it offline), else <c>unauthorized</c>
/// whose message starts with the problem: <c>malformed</c>, <c>wrong_key</c>, <c>bad_signature</c>,
/// <c>expired</c>, <c>not_yet_valid</c>.
/// </summary>
[PortwayNode("directory.verify")]
internal sealed class VerifyTokenNode : Node<VerifyTokenNode.Input, VerifyTokenNode.Output>
{
    private readonly NodeDirectoryService _directory;

    /// <summary>Used by the runtime: the directory for the configured data directory.</summary>
    public VerifyTokenNode(PortwayConfig config, TimeProvider time) : this(NodeDirectoryService.For(config, time)) { }

    internal VerifyTokenNode(NodeDirectoryService directory) => _directory = directory;

    protected override ValueTask<NodeOutcome<Output>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken)
    {
        var check = _directory.Verifier.Verify(input.Token);
        return ValueTask.FromResult<NodeOutcome<Output>>(check.Valid
            ? new Output(true, check.NodeId!, check.ExpiresAt!.Value)
            : new PortwayError(ErrorCode.Unauthorized, $"{check.Problem}: {check.Detail}"));
    }

    internal sealed record Input(string? Token);

    internal sealed record Output(bool Valid, string NodeId, DateTimeOffset ExpiresAt);
}
