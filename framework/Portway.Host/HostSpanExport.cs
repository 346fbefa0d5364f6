using System.Diagnostics;
using OpenTelemetry;
using Portway.Observability;

namespace Portway.Host;

/// <summary>
/// A host's span export: hands <paramref name="export"/> this host's spans (and spans of no host) only. Every tracer
/// provider listening to the process-wide <c>Portway</c> source is told of every span, so without this a host would
/// export the spans of another host in the same process too. A <see cref="CompositeProcessor{T}"/>, so the exporter
/// is given this provider (its resource: <c>service.name</c>) and is flushed and shut down with it.
/// </summary>
internal sealed class HostSpanExport(string instanceId, BaseProcessor<Activity> export) : CompositeProcessor<Activity>([export])
{
    public override void OnStart(Activity data)
    {
        if (Owns(data)) base.OnStart(data);
    }

    public override void OnEnd(Activity data)
    {
        if (Owns(data)) base.OnEnd(data);
    }

    private bool Owns(Activity activity) =>
        PortwayTracer.InstanceOf(activity) is not { } owner || string.Equals(owner, instanceId, StringComparison.Ordinal);
}
