namespace Portway.Pipelines.Batches;

/// <summary>Why an item failed: a taxonomy code and a message.</summary>
internal sealed record ItemError(string Code, string Message)
{
    public static ItemError? Of(PortwayError? error) => error is null ? null : new ItemError(error.Code, error.Message);
}
