using System.Text.Json.Serialization;
using Portway.Configuration;
using Portway.Nodes;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// <c>directory.discover</c>: <c>{"capability"?,"state"?,"limit"?,"after"?}</c> answers
/// <c>{"nodes":[...],"next"}</c>: discoverable nodes (never coma or dead) in id order, <c>limit</c> 1 to 1000
/// (default 100) per page, <c>next</c> the cursor for the following page (absent on the last). <c>limit</c>
/// may come as a string, as it does from a query string.
/// </summary>
[PortwayNode("directory.discover")]
internal sealed class DiscoverNode : Node<DiscoverNode.Input, DirectoryPage>
{
    private readonly NodeDirectoryService _directory;

    /// <summary>Used by the runtime: the directory for the configured data directory.</summary>
    public DiscoverNode(PortwayConfig config, TimeProvider time) : this(NodeDirectoryService.For(config, time)) { }

    internal DiscoverNode(NodeDirectoryService directory) => _directory = directory;

    protected override ValueTask<NodeOutcome<DirectoryPage>> ExecuteAsync(Input input, NodeContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<NodeOutcome<DirectoryPage>>(_directory.Discover(input.Capability, input.State, input.Limit, input.After));

    internal sealed record Input(
        string? Capability,
        string? State,
        [property: JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] int? Limit,
        string? After);
}
