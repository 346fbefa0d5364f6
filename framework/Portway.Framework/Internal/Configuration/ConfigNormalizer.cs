using Portway.Configuration;
using Portway.Internal.Routing;

namespace Portway.Internal.Configuration;

/// <summary>
/// Fills in what a valid config leaves implicit: the <c>web</c> process group, each stage's effective group,
/// each group's stages (as <c>pipeline.stage</c>), each interface's default binds, each pipeline's name,
/// topological order and sink. Runs only on a config with no problems.
/// </summary>
internal static class ConfigNormalizer
{
    public static void Normalize(PortwayConfig config, SourceMap map)
    {
        var platform = config.Runtime.Platform;
        if (!platform.ProcessGroups.Any(g => g.Name == ProcessGroupConfig.WebGroup))
        {
            platform.ProcessGroups.Insert(0, new ProcessGroupConfig { Name = ProcessGroupConfig.WebGroup });
        }

        var listedBy = StageGroupAssignment.ListedBy(config);
        var members = platform.ProcessGroups.ToDictionary(g => g.Name, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (name, pipeline) in config.Pipelines)
        {
            pipeline.Name = name;
            pipeline.Order = PipelineGraph.TopologicalOrder(pipeline)!;
            var graph = PipelineGraph.Build(pipeline);
            pipeline.Sink = graph.Stages[graph.Sink].Name;
            foreach (var stage in graph.Stages)
            {
                if (!map.Has(stage, "group"))
                {
                    stage.Group = listedBy.TryGetValue(stage, out var groups) ? groups[0].Name : ProcessGroupConfig.WebGroup;
                }

                members[stage.Group].Add(StageGroupAssignment.Qualified(pipeline, stage));
            }
        }

        foreach (var group in platform.ProcessGroups) group.Stages = members[group.Name];
        if (config.Runtime.Web.PolicyStore.Length == 0)
        {
            var usesRedis = map.Has(platform, "redis") || platform.ExecutionIpc.Transport == "redis" || platform.Kv.Backend == "redis";
            config.Runtime.Web.PolicyStore = usesRedis ? "redis" : "memory";
        }

        foreach (var iface in config.Runtime.Web.Interfaces)
        {
            foreach (var endpoint in iface.Endpoints)
            {
                endpoint.Auth = PolicyDefaults.Auth(endpoint.Auth, iface, config.Runtime.Web);
                if (iface.Kind == "websocket") PolicyDefaults.FillOperations(endpoint);
            }

            foreach (var field in iface.Query.Values.Concat(iface.Mutation.Values).Concat(iface.Subscription.Values))
            {
                field.Auth = PolicyDefaults.Auth(field.Auth, iface, config.Runtime.Web);
            }

            if (iface.Binds.Count > 0) continue;
            iface.Binds = iface.Kind switch
            {
                "http" => ["request", "response"],
                "websocket" => ["stream"],
                "timer" => ["request", "response"],
                _ => iface.Subscription.Count > 0 ? ["request", "response", "stream"] : ["request", "response"],
            };
        }
    }
}
