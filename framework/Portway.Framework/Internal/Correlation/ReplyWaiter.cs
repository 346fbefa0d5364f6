namespace Portway.Internal.Correlation;

/// <summary>A waiter for one answer (request/response port). <see cref="Task"/> never faults.</summary>
internal sealed class ReplyWaiter(TimeSpan timeout, TimeProvider time) : Waiter(timeout, time)
{
    private readonly TaskCompletionSource<WaiterResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<WaiterResult> Task => _completion.Task;

    protected override void OnEnded(WaiterEnd reason, Envelope? answer) =>
        _completion.TrySetResult(new WaiterResult(reason, answer));
}
