namespace Portway.Internal.Correlation;

/// <summary>The waiter behind <see cref="IPortwayInvoker.InvokeAsync"/>: its task answers the public result. <see cref="Task"/> never faults.</summary>
internal sealed class TaskWaiter(TimeSpan timeout, TimeProvider time) : Waiter(timeout, time)
{
    private readonly TaskCompletionSource<PortwayResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<PortwayResult> Task => _completion.Task;

    protected override void OnEnded(WaiterEnd reason, Envelope? answer) =>
        _completion.TrySetResult(new WaiterResult(reason, answer).ToPortwayResult());
}
