namespace Portway.Internal.Correlation;

/// <summary>The waiter behind <see cref="IPortwayInvoker.Invoke"/>: hands the result to the caller's handler, no task per call.</summary>
internal sealed class HandlerWaiter(IPortwayResultHandler handler, TimeSpan timeout, TimeProvider time) : Waiter(timeout, time)
{
    protected override void OnEnded(WaiterEnd reason, Envelope? answer) =>
        handler.OnResult(new WaiterResult(reason, answer).ToPortwayResult());
}
