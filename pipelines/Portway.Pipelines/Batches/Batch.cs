using System.Threading.Channels;

namespace Portway.Pipelines.Batches;

/// <summary>A submitted batch as the processor tracks it. Mutated only under the processor's lock.</summary>
internal sealed class Batch(string id, int priority)
{
    public string Id { get; } = id;

    public int Priority { get; } = priority;

    /// <summary>The submission order (kept across restarts: resumed items queue in it).</summary>
    public long Seq { get; init; }

    public BatchItem[] Items { get; set; } = [];

    /// <summary>The submitting request's <c>traceparent</c> (carried by the delivery of the finished batch).</summary>
    public string TraceParent { get; init; } = "";

    /// <summary>True once cancel was asked.</summary>
    public bool Cancelled { get; set; }

    /// <summary>How many items are final.</summary>
    public int FinalCount { get; set; }

    /// <summary>True when every item is final.</summary>
    public bool Finished => FinalCount == Items.Length;

    /// <summary>Every progress event so far, in order (replayed to a late subscriber).</summary>
    public List<BatchProgress> Events { get; } = [];

    /// <summary>The live progress subscribers.</summary>
    public List<Channel<BatchProgress>> Subscribers { get; } = [];
}
