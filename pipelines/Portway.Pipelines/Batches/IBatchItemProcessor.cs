using System.Text.Json;

namespace Portway.Pipelines.Batches;

/// <summary>
/// The work done on one batch item. Answers the item's result (JSON); a <see cref="PortwayException"/> fails
/// that item only. Must honour <c>cancellationToken</c> (a cancelled batch cancels its running items).
/// The same content must give the same result: results are reused by content hash.
/// </summary>
internal interface IBatchItemProcessor
{
    /// <summary>Processes <paramref name="item"/>.</summary>
    ValueTask<JsonElement> ProcessAsync(JsonElement item, CancellationToken cancellationToken);
}
