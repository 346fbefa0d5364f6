using System.Text.Json;

namespace Portway.Pipelines.Batches;

/// <summary>One item of a batch as the processor tracks it. Mutated only under the processor's lock.</summary>
internal sealed class BatchItem(Batch batch, int index, JsonElement content, string hash)
{
    public Batch Batch { get; } = batch;

    public int Index { get; } = index;

    public JsonElement Content { get; } = content;

    public string Hash { get; } = hash;

    public string Status { get; set; } = BatchItemStatus.Pending;

    public JsonElement? Result { get; set; }

    public PortwayError? Error { get; set; }

    /// <summary>True when the result was reused (computed before or by an identical item at the same time).</summary>
    public bool Cached { get; set; }

    /// <summary>Cancels the item's own computation (set while it runs one).</summary>
    public CancellationTokenSource? Running { get; set; }
}
