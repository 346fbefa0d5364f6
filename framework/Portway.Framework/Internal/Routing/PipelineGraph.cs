using Portway.Configuration;

namespace Portway.Internal.Routing;

/// <summary>
/// A pipeline's DAG, compiled for running: stages in topological order (ties keep the file's order),
/// each with the indexes of its predecessors, and the single sink.
/// </summary>
internal sealed class PipelineGraph
{
    private PipelineGraph(string name, StageConfig[] stages, int[][] predecessors, int sink)
    {
        Name = name;
        Stages = stages;
        Predecessors = predecessors;
        Sink = sink;
    }

    public string Name { get; }

    /// <summary>Stages in topological order.</summary>
    public StageConfig[] Stages { get; }

    /// <summary>For each stage (same index as <see cref="Stages"/>), the indexes of the stages it runs after.</summary>
    public int[][] Predecessors { get; }

    /// <summary>The index of the sink stage.</summary>
    public int Sink { get; }

    /// <summary>
    /// Stage names of <paramref name="pipeline"/> in topological order (Kahn; ties keep file order),
    /// or null when the graph has a cycle. Unknown <c>after</c> names are ignored here.
    /// </summary>
    public static List<string>? TopologicalOrder(PipelineConfig pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var names = pipeline.Stages.Select(s => s.Name).ToList();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++) index.TryAdd(names[i], i);
        var indegree = new int[names.Count];
        var successors = names.Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < names.Count; i++)
        {
            foreach (var before in pipeline.Stages[i].After.Distinct(StringComparer.Ordinal))
            {
                if (index.TryGetValue(before, out var b))
                {
                    successors[b].Add(i);
                    indegree[i]++;
                }
            }
        }

        var order = new List<string>(names.Count);
        var ready = new SortedSet<int>(Enumerable.Range(0, names.Count).Where(i => indegree[i] == 0));
        while (ready.Count > 0)
        {
            var next = ready.Min;
            ready.Remove(next);
            order.Add(names[next]);
            foreach (var s in successors[next])
            {
                if (--indegree[s] == 0) ready.Add(s);
            }
        }

        return order.Count == names.Count ? order : null;
    }

    /// <summary>Compiles a validated pipeline; throws <see cref="InvalidOperationException"/> if it is not a single-sink DAG.</summary>
    public static PipelineGraph Build(PipelineConfig pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var order = TopologicalOrder(pipeline)
            ?? throw new InvalidOperationException($"pipeline '{pipeline.Name}' has a cycle");
        var byName = pipeline.Stages.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var stages = order.Select(n => byName[n]).ToArray();
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < stages.Length; i++) position[stages[i].Name] = i;
        var predecessors = stages
            .Select(s => s.After.Distinct(StringComparer.Ordinal).Select(a => position.TryGetValue(a, out var p)
                ? p
                : throw new InvalidOperationException($"stage '{s.Name}' runs after unknown stage '{a}'")).ToArray())
            .ToArray();
        var hasSuccessor = new bool[stages.Length];
        foreach (var p in predecessors.SelectMany(x => x)) hasSuccessor[p] = true;
        var sinks = Enumerable.Range(0, stages.Length).Where(i => !hasSuccessor[i]).ToArray();
        if (sinks.Length != 1)
        {
            throw new InvalidOperationException($"pipeline '{pipeline.Name}' must have exactly one sink stage, has {sinks.Length}");
        }

        return new PipelineGraph(pipeline.Name, stages, predecessors, sinks[0]);
    }
}
