namespace Portway.Pipelines.Batches;

/// <summary>
/// A batch's status: <c>pending</c> (nothing started), <c>running</c>, <c>completed</c> (every item done or
/// failed) or <c>cancelled</c>; its counts; its items in submission order.
/// </summary>
internal sealed record BatchView(string Id, int Priority, string Status, BatchCounts Counts, IReadOnlyList<BatchItemView> Items);
