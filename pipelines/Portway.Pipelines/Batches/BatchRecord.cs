namespace Portway.Pipelines.Batches;

/// <summary>
/// A batch as it is stored on the kv port (<c>batches/ID</c>) and in the snapshot: enough to answer its status and
/// to resume its waiting items after a restart. <c>seq</c> orders batches by submission.
/// </summary>
internal sealed record BatchRecord(string Id, int Priority, long Seq, string TraceParent, bool Cancelled, IReadOnlyList<BatchItemRecord> Items);
