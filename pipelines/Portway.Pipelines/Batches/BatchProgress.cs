using System.Text.Json;

namespace Portway.Pipelines.Batches;

/// <summary>
/// One progress event: an item reached its final status. <c>done</c> counts the batch's items that are final so
/// far (this one included), out of <c>total</c>.
/// </summary>
internal sealed record BatchProgress(
    string Batch,
    int Index,
    string Status,
    bool? Cached,
    JsonElement? Result,
    ItemError? Error,
    int Done,
    int Total);
