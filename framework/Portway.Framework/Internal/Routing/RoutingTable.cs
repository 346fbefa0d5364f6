using System.Collections.Frozen;
using Portway.Configuration;

namespace Portway.Internal.Routing;

/// <summary>
/// Every pipeline of the config, compiled at startup. A pipeline whose sink stage is a stream node is a
/// stream pipeline; a stream node anywhere else, or a stream sink outside the web group, stops startup.
/// A reload swaps the whole set at once (<see cref="Replace"/>): a run looks its pipeline up once, when it starts, so
/// a request in flight finishes on the version it started with.
/// </summary>
internal sealed class RoutingTable
{
    private readonly NodeCatalog _nodes;
    private volatile FrozenDictionary<string, CompiledPipeline> _pipelines;

    public RoutingTable(PortwayConfig config, NodeCatalog nodes)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(nodes);
        _nodes = nodes;
        _pipelines = CompileAll(config, nodes);
    }

    /// <summary>Compiles <paramref name="config"/>'s pipelines and swaps them in; throws (changing nothing) when one is invalid.</summary>
    public void Replace(PortwayConfig config) => Prepare(config)();

    /// <summary>Compiles <paramref name="config"/>'s pipelines now (throws when one is invalid); the action swaps them in.</summary>
    public Action Prepare(PortwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var compiled = CompileAll(config, _nodes);
        return () => _pipelines = compiled;
    }

    private static FrozenDictionary<string, CompiledPipeline> CompileAll(PortwayConfig config, NodeCatalog nodes)
    {
        var problems = new List<string>();
        var pipelines = config.Pipelines.ToFrozenDictionary(
            p => p.Key,
            p => Compile(p.Key, p.Value, nodes, problems),
            StringComparer.Ordinal);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("invalid pipelines:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }

        return pipelines;
    }

    public bool TryGet(string pipeline, out CompiledPipeline compiled) => _pipelines.TryGetValue(pipeline, out compiled!);

    /// <summary>True when <paramref name="pipeline"/> exists and is a stream pipeline.</summary>
    public bool IsStream(string pipeline) => _pipelines.TryGetValue(pipeline, out var compiled) && compiled.IsStream;

    /// <summary>True when <paramref name="pipeline"/> exists and is a kv stream pipeline (its sink watches the kv store).</summary>
    public bool IsKvStream(string pipeline) => _pipelines.TryGetValue(pipeline, out var compiled) && compiled.IsKvStream;

    private static CompiledPipeline Compile(string name, PipelineConfig pipeline, NodeCatalog nodes, List<string> problems)
    {
        pipeline.Name = name;
        var graph = PipelineGraph.Build(pipeline);
        for (var i = 0; i < graph.Stages.Length; i++)
        {
            var stage = graph.Stages[i];
            if (!nodes.IsStream(stage.Node))
            {
                continue;
            }

            if (i != graph.Sink)
            {
                problems.Add($"pipeline '{name}': stage '{stage.Name}' uses the stream node '{stage.Node}', but only the sink stage may stream");
            }
            else if (!string.Equals(stage.Group, ProcessGroupConfig.WebGroup, StringComparison.Ordinal))
            {
                problems.Add($"pipeline '{name}': the stream stage '{stage.Name}' must run in the web group, not '{stage.Group}'");
            }
        }

        var sink = graph.Stages[graph.Sink].Node;
        return new CompiledPipeline(graph, nodes.IsStream(sink), nodes.IsKvStream(sink));
    }
}
