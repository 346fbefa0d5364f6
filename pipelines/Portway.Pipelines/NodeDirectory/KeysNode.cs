using Portway.Configuration;
using Portway.Nodes;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// <c>directory.keys</c>: answers <c>{"keys":[{"kid","alg":"ES256","crv":"P-256","public_key"}]}</c>, the public
/// key (SubjectPublicKeyInfo PEM) that verifies the directory's tokens offline.
/// </summary>
[PortwayNode("directory.keys")]
internal sealed class KeysNode : Node<KeysNode.Input, KeysNode.Output>
{
    private readonly NodeDirectoryService _directory;

    /// <summary>Used by the runtime: the directory for the configured data directory.</summary>
    public KeysNode(PortwayConfig config, TimeProvider time) : this(NodeDirectoryService.For(config, time)) { }

    internal KeysNode(NodeDirectoryService directory) => _directory = directory;

    protected override ValueTask<NodeOutcome<Output>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<NodeOutcome<Output>>(new Output([new Key(_directory.Key.KeyId, DirectoryToken.Algorithm, "P-256", _directory.Key.PublicKeyPem)]));

    internal sealed record Input;

    internal sealed record Output(IReadOnlyList<Key> Keys);

    internal sealed record Key(string Kid, string Alg, string Crv, string PublicKey);
}
