using Portway.Configuration;

namespace Portway.Internal.Configuration;

/// <summary>
/// Matches the entries of <c>process_groups[].stages</c> (a stage name, or <c>pipeline.stage</c>) to stages.
/// A stage's effective group is its own <c>group</c> key if written, else the group that lists it, else <c>web</c>.
/// </summary>
internal static class StageGroupAssignment
{
    /// <summary>The stages an entry of a group's <c>stages</c> list names (every pipeline's stage of that name when unqualified).</summary>
    public static IEnumerable<(PipelineConfig Pipeline, StageConfig Stage)> Match(PortwayConfig config, string entry)
    {
        var dot = entry.IndexOf('.', StringComparison.Ordinal);
        foreach (var pipeline in config.Pipelines.Values)
        {
            if (dot >= 0 && !string.Equals(pipeline.Name, entry[..dot], StringComparison.Ordinal)) continue;
            var stageName = dot >= 0 ? entry[(dot + 1)..] : entry;
            foreach (var stage in pipeline.Stages)
            {
                if (string.Equals(stage.Name, stageName, StringComparison.Ordinal)) yield return (pipeline, stage);
            }
        }
    }

    /// <summary>For each stage listed by a group, the groups that list it, in file order.</summary>
    public static Dictionary<StageConfig, List<ProcessGroupConfig>> ListedBy(PortwayConfig config)
    {
        var listed = new Dictionary<StageConfig, List<ProcessGroupConfig>>(ReferenceEqualityComparer.Instance);
        foreach (var group in config.Runtime.Platform.ProcessGroups)
        {
            foreach (var entry in group.Stages)
            {
                foreach (var (_, stage) in Match(config, entry))
                {
                    if (!listed.TryGetValue(stage, out var groups)) listed[stage] = groups = [];
                    if (!groups.Contains(group)) groups.Add(group);
                }
            }
        }

        return listed;
    }

    /// <summary>The qualified name <c>pipeline.stage</c>.</summary>
    public static string Qualified(PipelineConfig pipeline, StageConfig stage) => $"{pipeline.Name}.{stage.Name}";
}
