namespace Portway.Internal.Correlation;

/// <summary>
/// One caller waiting for an answer, registered under an id that <c>reply_to</c> names. It ends exactly once,
/// by an answer, its deadline, the caller going away or shutdown, and is removed from the registry in every case.
/// <see cref="Aborted"/> is cancelled when it ends other than by an answer, so the work behind it stops.
/// </summary>
internal abstract class Waiter : IPortwayCall
{
    private readonly CancellationTokenSource _deadline;
    private CancellationTokenRegistration _deadlineRegistration;
    private CancellationTokenRegistration _callerRegistration;
    private WaiterRegistry? _owner;
    private int _end;

    protected Waiter(TimeSpan timeout, TimeProvider time)
    {
        _deadline = new CancellationTokenSource(timeout, time);
        Timeout = timeout;
        Time = time;
    }

    /// <summary>How long the waiter waits from its registration.</summary>
    public TimeSpan Timeout { get; }

    private TimeProvider Time { get; }

    /// <summary>When the waiter's deadline falls, as Unix milliseconds (UTC), computed on demand; null when it has none.</summary>
    public long? DeadlineUnixMs() => Timeout == System.Threading.Timeout.InfiniteTimeSpan
        ? null
        : Time.GetUtcNow().ToUnixTimeMilliseconds() + (long)Timeout.TotalMilliseconds;

    public long Id { get; private set; }

    /// <summary>The <c>reply_to</c> that routes answers here: <c>instance/id</c>.</summary>
    public string ReplyTo { get; private set; } = "";

    /// <summary>Cancelled when the waiter ends by deadline, caller cancel or shutdown.</summary>
    public CancellationToken Aborted => _deadline.Token;

    public WaiterEnd End => (WaiterEnd)Volatile.Read(ref _end);

    internal void Attach(WaiterRegistry owner, long id, string replyTo, CancellationToken callerAborted)
    {
        _owner = owner;
        Id = id;
        ReplyTo = replyTo;
        _deadlineRegistration = _deadline.Token.UnsafeRegister(static s => ((Waiter)s!).Fail(WaiterEnd.Timeout), this);
        if (callerAborted.CanBeCanceled)
        {
            _callerRegistration = callerAborted.UnsafeRegister(static s => ((Waiter)s!).Fail(WaiterEnd.CallerCancelled), this);
        }
    }

    /// <summary>Hands an answer to the waiter; false when it has already ended (the answer is dropped).</summary>
    public bool Deliver(Envelope answer)
    {
        if (Volatile.Read(ref _end) != (int)WaiterEnd.Pending)
        {
            return false;
        }

        if (!IsFinal(answer))
        {
            return OnItem(answer);
        }

        if (Interlocked.CompareExchange(ref _end, (int)WaiterEnd.Answered, (int)WaiterEnd.Pending) != (int)WaiterEnd.Pending)
        {
            return false;
        }

        CleanUp();
        OnEnded(WaiterEnd.Answered, answer);
        return true;
    }

    /// <summary>Ends the waiter without an answer; false when it had already ended.</summary>
    public bool Fail(WaiterEnd reason)
    {
        if (Interlocked.CompareExchange(ref _end, (int)reason, (int)WaiterEnd.Pending) != (int)WaiterEnd.Pending)
        {
            return false;
        }

        CleanUp();
        if (reason != WaiterEnd.Timeout)
        {
            try
            {
                _deadline.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        OnEnded(reason, null);
        return true;
    }

    /// <summary>Ends the waiter as the caller going away (<see cref="IPortwayCall.Cancel"/>).</summary>
    public void Cancel() => Fail(WaiterEnd.CallerCancelled);

    /// <summary>Restarts the deadline at <paramref name="timeout"/> from now (a stream's deadline runs per item).</summary>
    protected void RestartDeadline(TimeSpan timeout)
    {
        try
        {
            _deadline.CancelAfter(timeout);
        }
        catch (ObjectDisposedException)
        {
            // Ended meanwhile: nothing left to time.
        }
    }

    /// <summary>True when <paramref name="answer"/> ends the conversation (reply, error, stream end).</summary>
    protected virtual bool IsFinal(Envelope answer) => answer.Kind is not (EnvelopeKind.StreamItem or EnvelopeKind.Control);

    /// <summary>A non-final answer (stream item); false if not accepted.</summary>
    protected virtual bool OnItem(Envelope item) => false;

    /// <summary>Called once, outside any lock, after the waiter was removed; <paramref name="answer"/> is null unless answered.</summary>
    protected abstract void OnEnded(WaiterEnd reason, Envelope? answer);

    private void CleanUp()
    {
        _owner?.Remove(Id);
        _callerRegistration.Dispose();
        _deadlineRegistration.Dispose();
        if (End == WaiterEnd.Answered)
        {
            _deadline.Dispose();
        }
    }
}
