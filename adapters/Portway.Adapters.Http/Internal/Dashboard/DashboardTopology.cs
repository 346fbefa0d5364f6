using System.Text.Json;
using Portway.Configuration;

namespace Portway.Adapters.Http.Internal.Dashboard;

/// <summary>
/// The dashboard's picture of the config: each pipeline's DAG (stages with their node, inputs, depth and the
/// process group that runs them) and which endpoint, operation or schedule feeds which pipeline.
/// </summary>
internal static class DashboardTopology
{
    public static void Write(Utf8JsonWriter w, PortwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(config);
        w.WriteStartArray("pipelines");
        foreach (var pipeline in config.Pipelines.Values.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("name", pipeline.Name);
            w.WriteString("sink", pipeline.Sink);
            w.WriteStartArray("stages");
            foreach (var (stage, depth) in Layered(pipeline))
            {
                w.WriteStartObject();
                w.WriteString("name", stage.Name);
                w.WriteString("node", stage.Node);
                w.WriteString("group", stage.Group);
                w.WriteNumber("depth", depth);
                w.WriteStartArray("after");
                foreach (var input in stage.After) w.WriteStringValue(input);
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("entries");
        foreach (var (kind, name, pipeline) in Entries(config))
        {
            w.WriteStartObject();
            w.WriteString("interface", kind);
            w.WriteString("route", name);
            w.WriteString("pipeline", pipeline);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>The stages in topological order, each with its depth (a source is 0, a stage is one deeper than its deepest input).</summary>
    private static List<(StageConfig Stage, int Depth)> Layered(PipelineConfig pipeline)
    {
        var byName = pipeline.Stages.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var order = pipeline.Order.Count == pipeline.Stages.Count ? pipeline.Order : pipeline.Stages.Select(s => s.Name).ToList();
        var depths = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<(StageConfig, int)>(order.Count);
        foreach (var name in order)
        {
            var stage = byName[name];
            var depth = stage.After.Count == 0 ? 0 : 1 + stage.After.Max(a => depths.GetValueOrDefault(a));
            depths[name] = depth;
            result.Add((stage, depth));
        }

        return result;
    }

    private static IEnumerable<(string Interface, string Route, string Pipeline)> Entries(PortwayConfig config)
    {
        foreach (var iface in config.Runtime.Web.Interfaces)
        {
            foreach (var endpoint in iface.Endpoints)
            {
                if (endpoint.Pipeline.Length > 0) yield return (iface.Kind, endpoint.Route, endpoint.Pipeline);
                foreach (var (op, pipeline) in endpoint.Operations) yield return (iface.Kind, $"{endpoint.Route} op {op}", pipeline);
            }

            foreach (var (operation, fields) in new[] { ("query", iface.Query), ("mutation", iface.Mutation), ("subscription", iface.Subscription) })
            {
                foreach (var (field, f) in fields) yield return (iface.Kind, $"{operation} {field}", f.Pipeline);
            }

            foreach (var schedule in iface.Schedules) yield return (iface.Kind, schedule.Name, schedule.Pipeline);
        }
    }
}
