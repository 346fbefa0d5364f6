namespace Portway.Internal.Correlation;

/// <summary>How a <see cref="ReplyWaiter"/> ended, with the answer when there was one.</summary>
internal readonly record struct WaiterResult(WaiterEnd End, Envelope? Answer)
{
    /// <summary>The error to report when the waiter ended without an answer, or the answer's error.</summary>
    public PortwayError? Error => End switch
    {
        WaiterEnd.Answered when Answer!.Kind == EnvelopeKind.Error => PortwayError.FromPayload(Answer.Payload.Span),
        WaiterEnd.Answered => null,
        WaiterEnd.Timeout => new PortwayError(ErrorCode.Timeout, "the deadline passed before an answer arrived"),
        WaiterEnd.CallerCancelled => new PortwayError(ErrorCode.Unavailable, "the caller went away"),
        _ => new PortwayError(ErrorCode.Unavailable, "the runtime is shutting down"),
    };
}
