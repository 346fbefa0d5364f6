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
    public static Activity? StartActivity(string operation, string target, ActivityKind kind, ActivityContext parent) =>
        Source.HasListeners() ? Source.StartActivity(operation + " " + target, kind, parent) : null;
}
