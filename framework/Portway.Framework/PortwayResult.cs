namespace Portway;

/// <summary>
/// How a call ended: its output (JSON bytes), or a taxonomy error object. A stream's result has no output: its
/// items came before it. <see cref="CallerCancelled"/> says the caller's own cancellation ended the call (there is
/// usually nobody left to answer).
/// </summary>
public readonly struct PortwayResult
{
    private PortwayResult(ReadOnlyMemory<byte> output, PortwayError? error, bool callerCancelled)
    {
        Output = output;
        Error = error;
        CallerCancelled = callerCancelled;
    }

    /// <summary>The pipeline's answer, JSON bytes; empty on an error.</summary>
    public ReadOnlyMemory<byte> Output { get; }

    /// <summary>The error; null on success.</summary>
    public PortwayError? Error { get; }

    /// <summary>True when the call answered (or the stream ended normally).</summary>
    public bool IsSuccess => Error is null;

    /// <summary>True when the caller's cancellation (a disconnect, a cancel) ended the call.</summary>
    public bool CallerCancelled { get; }

    /// <summary>A successful answer.</summary>
    public static PortwayResult Success(ReadOnlyMemory<byte> output) => new(output, null, false);

    /// <summary>An error answer.</summary>
    public static PortwayResult Failure(PortwayError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(default, error, false);
    }

    /// <summary>The caller went away or cancelled.</summary>
    public static PortwayResult Cancelled { get; } = new(default, new PortwayError(ErrorCode.Unavailable, "the caller went away"), true);
}
