using System.Diagnostics;

namespace Portway.Observability;

/// <summary>The runtime's spans: one <see cref="ActivitySource"/> (and meter) named <see cref="Name"/>.</summary>
public static class PortwayTracing
{
    /// <summary>The activity source's and meter's name: <c>Portway</c>.</summary>
    public const string Name = "Portway";

    /// <summary>Every span of the runtime starts here.</summary>
    public static ActivitySource Source { get; } = new(Name);

    /// <summary>
    /// Starts the span <c>OPERATION TARGET</c> (e.g. <c>portway.request POST /v1/echo</c>), or returns null without
    /// building its name when nothing listens (the hot path when tracing is off).
    /// </summary>
    /// <remarks>
    /// The span names no host: with two hosts in one process, each host's tracer provider sees it. A host's own code
    /// starts its spans through its <see cref="PortwayTracer"/> (from DI) instead.
    /// </remarks>
    public static Activity? StartActivity(string operation, string target, ActivityKind kind, ActivityContext parent) =>
        Source.HasListeners() ? Source.StartActivity(operation + " " + target, kind, parent) : null;

    /// <summary>
    /// Starts an ingress's request span (<see cref="ActivityKind.Server"/>): the child of <paramref name="caller"/> when
    /// the caller sent a trace context, else the root of a new trace. Never the child of <see cref="Activity.Current"/>:
    /// that is ASP.NET Core's own request activity, not sampled, under which a parent-based sampler (the
    /// <c>runtime.observability.sampling_ratio</c> one) would drop every request that came without a <c>traceparent</c>.
    /// </summary>
    /// <remarks><inheritdoc cref="StartActivity" path="/remarks"/></remarks>
    public static Activity? StartRequestActivity(string operation, string target, ActivityContext caller) =>
        Source.HasListeners() ? StartRoot(operation + " " + target, ActivityKind.Server, caller, null) : null;

    /// <summary>Starts <paramref name="name"/> as the child of <paramref name="caller"/>, or (default) as a new trace's root, never as the child of <see cref="Activity.Current"/>.</summary>
    internal static Activity? StartRoot(string name, ActivityKind kind, ActivityContext caller, IEnumerable<KeyValuePair<string, object?>>? tags)
    {
        if (caller != default || Activity.Current is not { } current)
        {
            return Source.StartActivity(name, kind, caller, tags);
        }

        Activity.Current = null;
        var activity = Source.StartActivity(name, kind, default(ActivityContext), tags);
        if (activity is null)
        {
            Activity.Current = current;
        }

        return activity;
    }
}
