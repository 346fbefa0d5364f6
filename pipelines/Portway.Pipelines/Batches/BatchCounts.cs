namespace Portway.Pipelines.Batches;

/// <summary>How many of a batch's items are in each status, and how many reused a result.</summary>
internal sealed record BatchCounts(int Total, int Pending, int Running, int Done, int Failed, int Cancelled, int CacheHits);
