using System.Globalization;
using Portway.Configuration;
using Portway.Internal.Correlation;
using Portway.Transport;

namespace Portway.Internal.Routing;

/// <summary>
/// The hand-off from ingress to the router: runs the envelope's pipeline in the background and hands the answer
/// straight to the waiter (in process there is no <c>reply_to</c> to parse back to it; an error stays an object).
/// The run is cancelled when the waiter ends first (deadline, caller gone, shutdown).
/// </summary>
internal sealed class RequestDispatcher(PipelineRouter router, PortwayConfig config)
{
    // A queueing transport (redis) carries the caller's deadline on each hop so a worker skips hops nobody waits for.
    private readonly bool _stampDeadline = config.Runtime.Platform.ExecutionIpc.Transport == "redis";

    public void Dispatch(Envelope request, Waiter waiter, string interfaceName)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(waiter);
        request.ReplyTo = waiter.ReplyTo;
        if (_stampDeadline && waiter.DeadlineUnixMs() is { } deadline)
        {
            request.Headers[StageHop.DeadlineHeader] = deadline.ToString(CultureInfo.InvariantCulture);
        }

        _ = RunAsync(request, waiter, interfaceName);
    }

    private async Task RunAsync(Envelope request, Waiter waiter, string interfaceName)
    {
        var aborted = waiter.Aborted;
        Envelope answer;
        try
        {
            answer = await router.RunAsync(request, interfaceName, aborted).ConfigureAwait(false);
            if (aborted.IsCancellationRequested)
            {
                // The waiter ended (deadline, caller gone, shutdown) and says so itself: the run's "cancelled"
                // answer must not race the deadline's own callback and turn a timeout into "unavailable".
                return;
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // Whatever happens, the waiter gets an answer.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            answer = request.CreateError(new PortwayError(ErrorCode.Internal, "routing failed: " + ex.GetType().Name));
        }

        waiter.Deliver(answer);
    }
}
