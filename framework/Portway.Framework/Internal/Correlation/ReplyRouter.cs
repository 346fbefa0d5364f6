using Microsoft.Extensions.Logging;
using Portway.Internal.Routing;

namespace Portway.Internal.Correlation;

/// <summary>
/// Carries an answer back by its <c>reply_to</c>: to a waiter of this process, or (once a remote
/// transport registers one) to the ingress instance that owns it. An answer nobody waits for is dropped.
/// </summary>
internal sealed class ReplyRouter(WaiterRegistry waiters, ILogger<ReplyRouter> logger)
{
    public bool Deliver(Envelope answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (waiters.TryDeliver(answer))
        {
            return true;
        }

        RoutingLog.ReplyDropped(logger, answer.ReplyTo, answer.RequestId);
        return false;
    }
}
