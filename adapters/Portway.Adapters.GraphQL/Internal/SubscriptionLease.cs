using System.Threading.RateLimiting;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>
/// A subscription's concurrency permit, held for the subscription's life: given back exactly once, when its stream
/// ends, when the client completes or unsubscribes, or when the operation ends any other way (socket closed, client
/// gone: the operation's token is cancelled), so a vanished client leaks no permit.
/// </summary>
internal sealed class SubscriptionLease
{
    private RateLimitLease? _lease;
    private readonly CancellationTokenRegistration _ended;

    public SubscriptionLease(RateLimitLease? lease, CancellationToken operationEnded)
    {
        _lease = lease;
        if (lease is not null)
        {
            _ended = operationEnded.UnsafeRegister(static s => ((SubscriptionLease)s!).Release(), this);
        }
    }

    /// <summary>True while the permit is held.</summary>
    public bool IsHeld => Volatile.Read(ref _lease) is not null;

    public void Release()
    {
        if (Interlocked.Exchange(ref _lease, null) is not { } lease) return;
        _ended.Unregister();
        lease.Dispose();
    }
}
