using System.Text.RegularExpressions;
using Portway.Configuration;
using Portway.Internal.Routing;

namespace Portway.Internal.Configuration;

/// <summary>
/// Cross-field rules over a bound config: names resolve (nodes, pipelines, groups, stages), routes are unique,
/// each pipeline is a single-sink DAG. Reports every problem; positions come from the <see cref="SourceMap"/>.
/// </summary>
internal sealed partial class ConfigValidator
{
    private readonly ConfigDiagnostics _diagnostics;
    private readonly SourceMap _map;
    private readonly IReadOnlyCollection<string>? _knownNodes;
    private readonly HashSet<string> _streamNodes;
    private readonly HashSet<string> _kvStreamNodes;
    private readonly Dictionary<string, Nodes.NodeRegistration> _catalog;

    /// <param name="knownNodes">The node names stages may use; null skips the check (the node catalog is not complete yet).</param>
    /// <param name="catalog">The nodes' stage rules (<see cref="Nodes.NodeRegistration.Egress"/>, <see cref="Nodes.NodeRegistration.WithPipelines"/>, <see cref="Nodes.NodeRegistration.Settings"/>); null checks none.</param>
    public ConfigValidator(ConfigDiagnostics diagnostics, SourceMap map, IReadOnlyCollection<string>? knownNodes, IReadOnlyCollection<string>? streamNodes = null, IReadOnlyCollection<string>? kvStreamNodes = null, IReadOnlyCollection<Nodes.NodeRegistration>? catalog = null)
    {
        _catalog = (catalog ?? []).Where(r => r.Egress is not null || r.WithPipelines.Count > 0 || r.Settings.Count > 0).DistinctBy(r => r.Name, StringComparer.Ordinal).ToDictionary(r => r.Name, StringComparer.Ordinal);
        _diagnostics = diagnostics;
        _map = map;
        _knownNodes = knownNodes;
        _streamNodes = new HashSet<string>(streamNodes ?? [], StringComparer.Ordinal);
        _kvStreamNodes = new HashSet<string>(kvStreamNodes ?? [], StringComparer.Ordinal);
        _streamNodes.UnionWith(_kvStreamNodes);
    }

    public void Validate(PortwayConfig config)
    {
        var groups = ValidateProcessGroups(config);
        foreach (var pipeline in config.Pipelines.Values) ValidatePipeline(pipeline, groups);
        ValidateGroupAssignments(config);
        ValidateStreamStages(config);
        ValidateExecution(config);
        ValidateRedis(config);
        ValidateKv(config);
        ValidateBinds(config);
        ValidateWeb(config);
        ValidatePolicies(config);
        ValidateEgress(config);
        ValidateWithPipelines(config);
        ValidateWithSettings(config);
    }

    /// <summary>A stream node may only be a pipeline's sink, and it runs in the web group.</summary>
    private void ValidateStreamStages(PortwayConfig config)
    {
        if (_streamNodes.Count == 0) return;
        var listedBy = StageGroupAssignment.ListedBy(config);
        foreach (var pipeline in config.Pipelines.Values)
        {
            foreach (var stage in pipeline.Stages.Where(s => _streamNodes.Contains(s.Node)))
            {
                var where = $"stage '{stage.Name}' of pipeline '{pipeline.Name}'";
                if (pipeline.Sink.Length > 0 && !string.Equals(pipeline.Sink, stage.Name, StringComparison.Ordinal))
                {
                    _diagnostics.Report(_map.At(stage, "node"),
                        $"{where} uses the stream node '{stage.Node}', but only a pipeline's sink stage may stream (the sink is '{pipeline.Sink}')");
                }

                var group = listedBy.TryGetValue(stage, out var groups) ? groups[0].Name : _map.Has(stage, "group") ? stage.Group : ProcessGroupConfig.WebGroup;
                if (!string.Equals(group, ProcessGroupConfig.WebGroup, StringComparison.Ordinal))
                {
                    _diagnostics.Report(_map.At(stage, _map.Has(stage, "group") ? "group" : "node"),
                        $"{where} uses the stream node '{stage.Node}', which runs in the web group only, not in '{group}'");
                }
            }
        }
    }

    private HashSet<string> ValidateProcessGroups(PortwayConfig config)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { ProcessGroupConfig.WebGroup };
        var seen = new Dictionary<string, ProcessGroupConfig>(StringComparer.Ordinal);
        foreach (var group in config.Runtime.Platform.ProcessGroups)
        {
            if (group.Name.Length == 0) continue;
            CheckName(group.Name, "process group", _map.At(group, "name"));
            if (seen.TryGetValue(group.Name, out var first))
            {
                _diagnostics.Report(_map.At(group, "name"), $"duplicate process group '{group.Name}' (first declared at {Position(_map.At(first, "name"))})");
                continue;
            }

            seen[group.Name] = group;
            names.Add(group.Name);
        }

        return names;
    }

    private void ValidatePipeline(PipelineConfig pipeline, HashSet<string> groups)
    {
        var at = _map.At(pipeline);
        CheckName(pipeline.Name, "pipeline", at);
        if (pipeline.Stages.Count == 0)
        {
            // A missing or null 'stages' key was reported by the binder.
            if (_map.Has(pipeline, "stages")) _diagnostics.Report(at, $"pipeline '{pipeline.Name}' has no stages");
            return;
        }

        var byName = new Dictionary<string, StageConfig>(StringComparer.Ordinal);
        var duplicates = false;
        foreach (var stage in pipeline.Stages)
        {
            if (stage.Name.Length == 0) continue;
            var where = $"stage '{stage.Name}' of pipeline '{pipeline.Name}'";
            CheckName(stage.Name, "stage", _map.At(stage, "name"));
            if (byName.TryGetValue(stage.Name, out var first))
            {
                _diagnostics.Report(_map.At(stage, "name"), $"duplicate stage name '{stage.Name}' in pipeline '{pipeline.Name}' (first declared at {Position(_map.At(first, "name"))})");
                duplicates = true;
            }
            else
            {
                byName[stage.Name] = stage;
            }

            if (_knownNodes is not null && stage.Node.Length > 0 && !_knownNodes.Contains(stage.Node, StringComparer.Ordinal))
            {
                _diagnostics.Report(_map.At(stage, "node"), $"unknown node '{stage.Node}' in {where}{DidYouMean.Suffix(stage.Node, _knownNodes.Order(StringComparer.Ordinal))}");
            }

            if (_map.Has(stage, "group") && !groups.Contains(stage.Group))
            {
                _diagnostics.Report(_map.At(stage, "group"),
                    $"{where} runs in process group '{stage.Group}', which is not in process_groups{DidYouMean.Suffix(stage.Group, groups.Order(StringComparer.Ordinal))}");
            }
        }

        var stageNames = pipeline.Stages.Select(s => s.Name).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        var dangling = false;
        foreach (var stage in pipeline.Stages)
        {
            for (var i = 0; i < stage.After.Count; i++)
            {
                if (byName.ContainsKey(stage.After[i])) continue;
                dangling = true;
                _diagnostics.Report(_map.At(stage, $"after[{i}]"),
                    $"stage '{stage.Name}' of pipeline '{pipeline.Name}' runs after unknown stage '{stage.After[i]}'{DidYouMean.Suffix(stage.After[i], stageNames)}");
            }
        }

        if (duplicates || pipeline.Stages.Any(s => s.Name.Length == 0)) return;

        var order = PipelineGraph.TopologicalOrder(pipeline);
        if (order is null)
        {
            _diagnostics.Report(at, $"pipeline '{pipeline.Name}' has a cycle: {string.Join(" -> ", FindCycle(pipeline))}");
            return;
        }

        pipeline.Order = order;
        if (dangling) return;
        var hasSuccessor = pipeline.Stages.SelectMany(s => s.After).ToHashSet(StringComparer.Ordinal);
        var sinks = pipeline.Stages.Where(s => !hasSuccessor.Contains(s.Name)).Select(s => s.Name).ToArray();
        if (sinks.Length > 1)
        {
            _diagnostics.Report(at,
                $"pipeline '{pipeline.Name}' has {sinks.Length} sink stages ({string.Join(", ", sinks)}); exactly one stage may have no stage after it");
        }
        else if (sinks.Length == 1)
        {
            pipeline.Sink = sinks[0];
        }
    }

    /// <summary>
    /// One cycle among the stages Kahn could not order, as names in run order, first name repeated at the end
    /// (<c>a -> b -> a</c>), starting at the cycle's stage that comes first in the file.
    /// </summary>
    private static List<string> FindCycle(PipelineConfig pipeline)
    {
        var index = pipeline.Stages.Select((s, i) => (s.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var predecessors = pipeline.Stages
            .Select(s => s.After.Where(index.ContainsKey).Select(a => index[a]).Distinct().Order().ToArray())
            .ToArray();

        // Peel off every stage that can run (Kahn); each left has a predecessor that is left too.
        var left = new bool[pipeline.Stages.Count];
        Array.Fill(left, true);
        bool changed;
        do
        {
            changed = false;
            for (var i = 0; i < left.Length; i++)
            {
                if (left[i] && predecessors[i].All(p => !left[p]))
                {
                    left[i] = false;
                    changed = true;
                }
            }
        }
        while (changed);

        // Walk predecessors from the first stage left until one repeats: the repeated stretch is a cycle.
        var walk = new List<int>();
        var current = Array.IndexOf(left, true);
        while (!walk.Contains(current))
        {
            walk.Add(current);
            current = predecessors[current].First(p => left[p]);
        }

        var cycle = walk.Skip(walk.IndexOf(current)).Reverse().ToList();
        var start = cycle.IndexOf(cycle.Min());
        var rotated = cycle.Skip(start).Concat(cycle.Take(start)).ToList();
        rotated.Add(rotated[0]);
        return rotated.Select(i => pipeline.Stages[i].Name).ToList();
    }

    private void ValidateGroupAssignments(PortwayConfig config)
    {
        foreach (var group in config.Runtime.Platform.ProcessGroups)
        {
            for (var i = 0; i < group.Stages.Count; i++)
            {
                var entry = group.Stages[i];
                if (StageGroupAssignment.Match(config, entry).Any()) continue;
                var candidates = config.Pipelines.Values
                    .SelectMany(p => p.Stages.SelectMany(s => new[] { s.Name, StageGroupAssignment.Qualified(p, s) }))
                    .Distinct(StringComparer.Ordinal);
                _diagnostics.Report(_map.At(group, $"stages[{i}]"),
                    $"process group '{group.Name}' lists unknown stage '{entry}'{DidYouMean.Suffix(entry, candidates)}");
            }
        }

        foreach (var (stage, listedBy) in StageGroupAssignment.ListedBy(config))
        {
            var pipeline = config.Pipelines.Values.First(p => p.Stages.Contains(stage));
            var name = StageGroupAssignment.Qualified(pipeline, stage);
            if (listedBy.Count > 1)
            {
                _diagnostics.Report(_map.At(listedBy[1]),
                    $"stage '{name}' is listed by more than one process group ({string.Join(", ", listedBy.Select(g => g.Name))})");
            }
            else if (_map.Has(stage, "group") && !string.Equals(stage.Group, listedBy[0].Name, StringComparison.Ordinal))
            {
                _diagnostics.Report(_map.At(stage, "group"),
                    $"stage '{name}' says group '{stage.Group}' but process group '{listedBy[0].Name}' lists it");
            }
        }
    }

    private void CheckName(string name, string what, YamlDotNet.Core.Mark at)
    {
        if (!NamePattern().IsMatch(name))
        {
            _diagnostics.Report(at, $"{what} name '{name}' must be letters, digits, '_' or '-', starting with a letter or '_'");
        }
    }

    private static string Position(YamlDotNet.Core.Mark mark) => $"{mark.Line}:{mark.Column}";

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex NamePattern();
}
