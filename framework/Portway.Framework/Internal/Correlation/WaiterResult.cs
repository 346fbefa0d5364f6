namespace Portway.Internal.Correlation;

/// <summary>How a <see cref="ReplyWaiter"/> ended, with the answer when there was one.</summary>
internal readonly record struct WaiterResult(WaiterEnd End, Envelope? Answer)
{
    /// <summary>The error to report when the waiter ended without an answer, or the answer's error.</summary>
    public PortwayError? Error => End switch
    {
        WaiterEnd.Answered when Answer!.Kind == EnvelopeKind.Error => Answer.ReadError(),
        WaiterEnd.Answered => null,
        WaiterEnd.Timeout => TimedOut,
        WaiterEnd.CallerCancelled => new PortwayError(ErrorCode.Unavailable, "the caller went away"),
        _ => ShuttingDown,
    };

    private static readonly PortwayError TimedOut = new(ErrorCode.Timeout, "the deadline passed before an answer arrived");
    private static readonly PortwayError ShuttingDown = new(ErrorCode.Unavailable, "the runtime is shutting down");

    /// <summary>The public form: the answer's payload (a stream's end has none), or the error object.</summary>
    public PortwayResult ToPortwayResult() => End switch
    {
        WaiterEnd.Answered when Answer!.Kind == EnvelopeKind.Error => PortwayResult.Failure(Answer.ReadError()),
        WaiterEnd.Answered when Answer!.Kind == EnvelopeKind.StreamEnd => PortwayResult.Success(default),
        WaiterEnd.Answered => PortwayResult.Success(Answer!.Payload),
        WaiterEnd.Timeout => PortwayResult.Failure(TimedOut),
        WaiterEnd.CallerCancelled => PortwayResult.Cancelled,
        _ => PortwayResult.Failure(ShuttingDown),
    };
}
