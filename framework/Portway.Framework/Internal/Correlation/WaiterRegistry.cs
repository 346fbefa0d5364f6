using System.Collections.Concurrent;

namespace Portway.Internal.Correlation;

/// <summary>
/// The waiters of this process, by id. <c>reply_to</c> is <c>instance/id</c>; <see cref="Pending"/>
/// returns to zero when traffic stops: every waiter removes itself however it ends.
/// </summary>
internal sealed class WaiterRegistry
{
    private readonly ConcurrentDictionary<long, Waiter> _waiters = new();
    private readonly string _replyToPrefix;
    private long _nextId;

    public WaiterRegistry(TimeProvider time, string instanceId)
    {
        Time = time;
        InstanceId = instanceId;
        _replyToPrefix = instanceId + "/";
    }

    public TimeProvider Time { get; }

    /// <summary>This process's name in <c>reply_to</c>.</summary>
    public string InstanceId { get; }

    /// <summary>How many waiters are registered now.</summary>
    public int Pending => _waiters.Count;

    /// <summary>Registers a one-answer waiter with a deadline, ended early if <paramref name="callerAborted"/> fires.</summary>
    public ReplyWaiter RegisterReply(TimeSpan timeout, CancellationToken callerAborted) =>
        Register(new ReplyWaiter(timeout, Time), callerAborted);

    /// <summary>Registers a waiter built by the caller (a stream waiter, for example).</summary>
    public T Register<T>(T waiter, CancellationToken callerAborted) where T : Waiter
    {
        ArgumentNullException.ThrowIfNull(waiter);
        var id = Interlocked.Increment(ref _nextId);
        _waiters[id] = waiter;
        waiter.Attach(this, id, _replyToPrefix + id.ToString(System.Globalization.CultureInfo.InvariantCulture), callerAborted);
        return waiter;
    }

    /// <summary>Delivers an answer to the waiter its <c>reply_to</c> names; false when no such waiter is pending.</summary>
    public bool TryDeliver(Envelope answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return TryParseId(answer.ReplyTo, out var id) && _waiters.TryGetValue(id, out var waiter) && waiter.Deliver(answer);
    }

    /// <summary>True when <paramref name="replyTo"/> names this instance.</summary>
    public bool IsLocal(string replyTo) => replyTo.StartsWith(_replyToPrefix, StringComparison.Ordinal);

    /// <summary>Ends every pending waiter with <paramref name="reason"/> (shutdown, drain timeout).</summary>
    public int FailAll(WaiterEnd reason)
    {
        var failed = 0;
        foreach (var waiter in _waiters.Values)
        {
            if (waiter.Fail(reason)) failed++;
        }

        return failed;
    }

    internal void Remove(long id) => _waiters.TryRemove(id, out _);

    private bool TryParseId(string replyTo, out long id)
    {
        id = 0;
        return replyTo.StartsWith(_replyToPrefix, StringComparison.Ordinal)
            && long.TryParse(replyTo.AsSpan(_replyToPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out id);
    }
}
