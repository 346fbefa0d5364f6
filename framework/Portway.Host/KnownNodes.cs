using Portway.Nodes;
using Portway.Pipelines;

namespace Portway.Host;

/// <summary>Every node the host can run: the built-in <c>sys.*</c> nodes and those discovered in the example pipelines.</summary>
internal static class KnownNodes
{
    /// <summary>Built-in ∪ discovered, one registration per name (a built-in wins), sorted by name.</summary>
    public static IReadOnlyList<NodeRegistration> All { get; } = NodeDiscovery.BuiltIn
        .Concat(NodeDiscovery.FromAssembly(PipelineNodes.Assembly))
        .DistinctBy(r => r.Name, StringComparer.Ordinal)
        .OrderBy(r => r.Name, StringComparer.Ordinal)
        .ToArray();

    /// <summary>The names of <see cref="All"/>, for <see cref="Configuration.PortwayConfigLoader"/>.</summary>
    public static IReadOnlyCollection<string> Names { get; } = All.Select(r => r.Name).ToArray();

    /// <summary>The names of the stream nodes of <see cref="All"/>.</summary>
    public static IReadOnlyCollection<string> StreamNames { get; } = All.Where(r => typeof(IStreamNode).IsAssignableFrom(r.NodeType)).Select(r => r.Name).ToArray();

    /// <summary>The names of the kv stream nodes of <see cref="All"/> (they serve the <c>kv_stream</c> port).</summary>
    public static IReadOnlyCollection<string> KvStreamNames { get; } = All.Where(r => typeof(Kv.IKvStreamNode).IsAssignableFrom(r.NodeType)).Select(r => r.Name).ToArray();
}
