using System.Diagnostics;
using OpenTelemetry.Trace;
using Portway.Observability;

namespace Portway.Host;

/// <summary>
/// A host's sampler: <paramref name="inner"/> decides this host's spans (and spans of no host); another host's span in
/// the same process is dropped. Every tracer provider listening to the process-wide <c>Portway</c> source takes part in
/// every span's decision (the most inclusive answer wins), so without this a host sampling everything would record
/// the other host's unsampled requests.
/// </summary>
internal sealed class HostSampler : Sampler
{
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

    private readonly string _instanceId;
    private readonly Sampler _inner;

    public HostSampler(string instanceId, Sampler inner)
    {
        _instanceId = instanceId;
        _inner = inner;
        Description = "PortwayHostSampler{" + inner.Description + "}";
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        OwnerOf(samplingParameters) is { } owner && !string.Equals(owner, _instanceId, StringComparison.Ordinal)
            ? Drop
            : _inner.ShouldSample(samplingParameters);

    /// <summary>The host a span being started belongs to: its <see cref="PortwayTracer.InstanceTag"/>, else its local parent's owner.</summary>
    private static string? OwnerOf(in SamplingParameters parameters)
    {
        if (parameters.Tags is KeyValuePair<string, object?>[] array)
        {
            foreach (var tag in array)
            {
                if (tag.Key == PortwayTracer.InstanceTag) return tag.Value as string;
            }
        }
        else if (parameters.Tags is { } tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == PortwayTracer.InstanceTag) return tag.Value as string;
            }
        }

        // Untagged (a span a node starts itself): the parent it is started under, when that is the current span.
        var parent = parameters.ParentContext;
        return Activity.Current is { } current && current.SpanId == parent.SpanId && current.TraceId == parent.TraceId
            ? PortwayTracer.InstanceOf(current)
            : null;
    }
}
