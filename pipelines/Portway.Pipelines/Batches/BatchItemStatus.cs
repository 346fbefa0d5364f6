namespace Portway.Pipelines.Batches;

/// <summary>The wire names of an item's status.</summary>
internal static class BatchItemStatus
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Done = "done";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    /// <summary>True for a status an item never leaves.</summary>
    public static bool IsFinal(string status) => status is Done or Failed or Cancelled;
}
