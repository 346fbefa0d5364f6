using System.Text.Json;
using System.Text.Json.Serialization;
using Portway.Configuration;

namespace Portway.Internal.Hosting;

/// <summary>
/// What a reload changes. Pipelines apply at once; a process group whose workers run elsewhere (its settings, or a stage
/// placed in it) needs its workers rolled; interfaces and endpoints, the transport, the kv backend and the set of
/// process groups and the egress clients are read at startup, so a change there is refused ("needs a restart").
/// </summary>
internal static class ReloadScope
{
    private static readonly JsonSerializerOptions Options = new() { ReferenceHandler = ReferenceHandler.IgnoreCycles };

    /// <summary>The parts of <paramref name="next"/> that differ from <paramref name="current"/> and only a restart applies.</summary>
    public static IReadOnlyList<string> RestartNeeded(PortwayConfig current, PortwayConfig next)
    {
        var changed = new List<string>();
        Compare("runtime.web (interfaces, endpoints, listen, policies)", current.Runtime.Web, next.Runtime.Web);
        Compare("runtime.platform.execution_ipc", current.Runtime.Platform.ExecutionIpc, next.Runtime.Platform.ExecutionIpc);
        Compare("runtime.platform.kv", current.Runtime.Platform.Kv, next.Runtime.Platform.Kv);
        Compare("runtime.platform.profile_store", current.Runtime.Platform.ProfileStore, next.Runtime.Platform.ProfileStore);
        // The egress clients (HTTP with its resilience pipeline, reconnecting WebSockets) are built at startup: a new or
        // changed egress would answer 'internal' (not declared) or keep its old settings, so it waits for a restart.
        Compare("runtime.egress", current.Runtime.Egress, next.Runtime.Egress);
        Compare("the set of process groups that run stages", ChildGroups(current), ChildGroups(next));
        return changed;

        void Compare<T>(string what, T before, T after)
        {
            if (JsonSerializer.Serialize(before, Options) != JsonSerializer.Serialize(after, Options))
            {
                changed.Add(what);
            }
        }
    }

    /// <summary>The process groups run by child processes whose settings or stages differ in <paramref name="next"/>.</summary>
    public static IReadOnlyList<string> ChangedGroups(PortwayConfig current, PortwayConfig next) =>
        ChildGroups(next).Where(g => Fingerprint(current, g) != Fingerprint(next, g)).ToArray();

    private static string[] ChildGroups(PortwayConfig config) =>
        config.Runtime.Platform.ProcessGroups.Where(g => g.Name != ProcessGroupConfig.WebGroup && g.Stages.Count > 0)
            .Select(g => g.Name).Order(StringComparer.Ordinal).ToArray();

    /// <summary>A group's settings and every stage placed in it (node, <c>with</c>, its edges), as JSON.</summary>
    private static string Fingerprint(PortwayConfig config, string group) => JsonSerializer.Serialize(new
    {
        Group = config.Runtime.Platform.ProcessGroups.FirstOrDefault(g => g.Name == group),
        Stages = config.Pipelines.OrderBy(p => p.Key, StringComparer.Ordinal)
            .SelectMany(p => p.Value.Stages.Where(s => s.Group == group).Select(s => new { Pipeline = p.Key, Stage = s })),
    }, Options);
}
