using System.Text.Json;
using Portway.Configuration;

namespace Portway.Internal.Routing;

/// <summary>A pipeline ready to run: its graph plus what each stage hop needs, computed once.</summary>
internal sealed class CompiledPipeline
{
    public CompiledPipeline(PipelineGraph graph, bool isStream = false, bool isKvStream = false)
    {
        Graph = graph;
        IsStream = isStream;
        IsKvStream = isKvStream;
        Routes = graph.Stages.Select(s => graph.Name + "/" + s.Name).ToArray();
        With = graph.Stages.Select(s => s.With is null ? null : JsonSerializer.SerializeToUtf8Bytes(s.With)).ToArray();
        InProcess = graph.Stages.Select(s => new InProcessStage(graph.Name, s.Name, s.Node)).ToArray();
        PredecessorNames = graph.Predecessors.Select(p => p.Select(i => JsonEncodedName(graph.Stages[i])).ToArray()).ToArray();
    }

    public PipelineGraph Graph { get; }

    public string Name => Graph.Name;

    /// <summary>True when the sink stage is a stream node: the pipeline answers many items (the stream port).</summary>
    public bool IsStream { get; }

    /// <summary>True when the sink stage is a kv stream node (the <c>kv_stream</c> port): no deadline between items.</summary>
    public bool IsKvStream { get; }

    /// <summary>The route of each stage hop: <c>pipeline/stage</c>.</summary>
    public string[] Routes { get; }

    /// <summary>Each stage's <c>with</c> object as JSON, or null.</summary>
    public byte[]?[] With { get; }

    /// <summary>Each stage's pipeline, stage and node names for hops that stay in this process.</summary>
    public InProcessStage[] InProcess { get; }

    /// <summary>For fan-in stages, the predecessors' names, pre-encoded.</summary>
    public JsonEncodedText[][] PredecessorNames { get; }

    private static JsonEncodedText JsonEncodedName(StageConfig stage) => JsonEncodedText.Encode(stage.Name);
}
