using System.Text.Json;
using Portway.Nodes;
using Portway.Observability;

namespace Portway.Pipelines.Batches;

/// <summary>The batch processor's metrics as the <c>"batches"</c> section of <c>/stats</c> (the <c>batch.metrics</c> answer).</summary>
internal sealed class BatchStatsSection(BatchProcessor processor) : IPortwayStatsSection
{
    public string Name => "batches";

    public void Write(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, processor.Metrics(), NodeJson.Options);
}
