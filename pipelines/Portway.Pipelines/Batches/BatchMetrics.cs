namespace Portway.Pipelines.Batches;

/// <summary>
/// The processor's metrics: items finished per second over the last minute, the share of items that reused a
/// result, the items waiting per priority (<c>"0"</c> to <c>"9"</c>), the items running and the pool's size; with a
/// delivery egress, the finished batches delivered and those whose delivery failed (else null, left out).
/// </summary>
internal sealed record BatchMetrics(
    double ItemsPerSecond,
    double CacheHitRate,
    long CacheHits,
    long Computed,
    IReadOnlyDictionary<string, int> QueueDepth,
    int Running,
    int Concurrency,
    long? Delivered = null,
    long? DeliveryFailures = null);
