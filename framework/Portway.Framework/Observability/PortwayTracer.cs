using System.Diagnostics;

namespace Portway.Observability;

/// <summary>
/// One host's spans. The <see cref="PortwayTracing.Source"/> is process-wide, so two hosts in one process (embedding,
/// tests) share it: every span this tracer starts carries <see cref="InstanceTag"/> = <see cref="InstanceId"/>, which
/// is how a host's tracer provider samples and exports its own spans only. <c>AddPortway</c> registers one per host;
/// an adapter takes it from DI.
/// </summary>
public sealed class PortwayTracer
{
    /// <summary>The span attribute naming the host instance that started the span: <c>portway.instance</c>.</summary>
    public const string InstanceTag = "portway.instance";

    /// <summary>How far up its local parents a span without <see cref="InstanceTag"/> is looked for one.</summary>
    private const int MaxOwnerDepth = 16;

    /// <summary>Passed to every start (built once: no allocation per span beyond the span's own).</summary>
    private readonly KeyValuePair<string, object?>[] _tags;

    internal PortwayTracer(string instanceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        InstanceId = instanceId;
        _tags = [new(InstanceTag, instanceId)];
    }

    /// <summary>This host's instance id (the one in its <c>reply_to</c>).</summary>
    public string InstanceId { get; }

    /// <summary>
    /// Starts this host's span <c>OPERATION TARGET</c>, child of <paramref name="parent"/> (of <see cref="Activity.Current"/>
    /// when default), or returns null without building its name when nothing listens (the hot path when tracing is off).
    /// </summary>
    public Activity? StartActivity(string operation, string target, ActivityKind kind, ActivityContext parent) =>
        PortwayTracing.Source.HasListeners() ? PortwayTracing.Source.StartActivity(operation + " " + target, kind, parent, _tags) : null;

    /// <inheritdoc cref="PortwayTracing.StartRequestActivity"/>
    public Activity? StartRequestActivity(string operation, string target, ActivityContext caller) =>
        PortwayTracing.Source.HasListeners() ? PortwayTracing.StartRoot(operation + " " + target, ActivityKind.Server, caller, _tags) : null;

    /// <summary>
    /// Starts this host's span <c>OPERATION TARGET</c> as the root of a new trace (never the child of
    /// <see cref="Activity.Current"/>), for a call no client made (a timer's run): the host's sampler alone decides it.
    /// </summary>
    public Activity? StartRootActivity(string operation, string target, ActivityKind kind) =>
        PortwayTracing.Source.HasListeners() ? PortwayTracing.StartRoot(operation + " " + target, kind, default, _tags) : null;

    /// <summary>
    /// The instance that owns <paramref name="activity"/>: its <see cref="InstanceTag"/>, else that of its nearest local
    /// parent that has one (a span a node starts under a stage's span); null when none has (a span of no Portway host).
    /// </summary>
    public static string? InstanceOf(Activity? activity)
    {
        for (var depth = 0; activity is not null && depth < MaxOwnerDepth; depth++, activity = activity.Parent)
        {
            if (activity.GetTagItem(InstanceTag) is string instance)
            {
                return instance;
            }
        }

        return null;
    }
}
