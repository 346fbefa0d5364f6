using System.Diagnostics.Metrics;
using Portway.Observability;

namespace Portway.Pipelines.Batches;

/// <summary>
/// The batch processor's gauges on the runtime's meter (<see cref="PortwayTracing.Name"/>), so <c>/metrics</c> and OTLP
/// export them: <c>portway.batch.queue_depth</c> (tagged <c>priority</c>), <c>portway.batch.running</c>,
/// <c>portway.batch.items_per_second</c> and <c>portway.batch.cache_hit_rate</c>. Created when the host starts.
/// </summary>
internal sealed class BatchMeters
{
    public BatchMeters(BatchProcessor processor, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(processor);
        var meter = meterFactory?.Create(PortwayTracing.Name) ?? new Meter(PortwayTracing.Name);
        meter.CreateObservableGauge("portway.batch.queue_depth", () => processor.Metrics().QueueDepth
            .Select(p => new Measurement<int>(p.Value, new KeyValuePair<string, object?>("priority", p.Key))), description: "Batch items waiting, by priority");
        meter.CreateObservableGauge("portway.batch.running", () => processor.Metrics().Running, description: "Batch items computing now");
        meter.CreateObservableGauge("portway.batch.items_per_second", () => processor.Metrics().ItemsPerSecond, description: "Batch items finished per second over the last minute");
        meter.CreateObservableGauge("portway.batch.cache_hit_rate", () => processor.Metrics().CacheHitRate, description: "Share of batch items that reused a computed result");
    }
}
