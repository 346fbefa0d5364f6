using System.Collections.Frozen;
using Portway.Configuration;

namespace Portway.Internal.Routing;

/// <summary>Every pipeline of the config, compiled once at startup.</summary>
internal sealed class RoutingTable(PortwayConfig config)
{
    private readonly FrozenDictionary<string, CompiledPipeline> _pipelines = config.Pipelines
        .ToFrozenDictionary(p => p.Key, p => new CompiledPipeline(PipelineGraph.Build(Named(p.Key, p.Value))), StringComparer.Ordinal);

    public bool TryGet(string pipeline, out CompiledPipeline compiled) => _pipelines.TryGetValue(pipeline, out compiled!);

    private static PipelineConfig Named(string name, PipelineConfig pipeline)
    {
        pipeline.Name = name;
        return pipeline;
    }
}
