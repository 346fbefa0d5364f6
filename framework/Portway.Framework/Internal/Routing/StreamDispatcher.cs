using Portway.Internal.Correlation;

namespace Portway.Internal.Routing;

/// <summary>
/// The hand-off from ingress to the router for the <c>stream</c> port: registers a <see cref="StreamWaiter"/>,
/// runs the stream pipeline in the background and hands each item, then the end, straight to the waiter (no
/// <c>reply_to</c> parsed per item in process), which the ingress reads. The run is cancelled when the waiter ends first (deadline between items,
/// caller gone or cancelled, shutdown).
/// </summary>
internal sealed class StreamDispatcher(PipelineRouter router, WaiterRegistry waiters, RoutingTable table)
{
    /// <summary>
    /// Opens a stream for <paramref name="request"/> (route = a stream pipeline). No item may take longer than
    /// <paramref name="itemTimeout"/> to come, except on a kv stream (a watched key may stay unchanged for hours:
    /// it runs until the caller goes away); <paramref name="callerAborted"/> ends it as the caller going away.
    /// </summary>
    public StreamWaiter Open(Envelope request, TimeSpan itemTimeout, CancellationToken callerAborted, string interfaceName)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (table.IsKvStream(request.Route)) itemTimeout = Timeout.InfiniteTimeSpan;
        var waiter = waiters.Register(new StreamWaiter(itemTimeout, waiters.Time), callerAborted);
        request.ReplyTo = waiter.ReplyTo;
        _ = RunAsync(request, waiter, waiter.Aborted, interfaceName);
        return waiter;
    }

    private async Task RunAsync(Envelope request, StreamWaiter waiter, CancellationToken aborted, string interfaceName)
    {
        try
        {
            await foreach (var answer in router.StreamAsync(request, interfaceName, aborted).ConfigureAwait(false))
            {
                if (answer.Kind == EnvelopeKind.StreamItem
                    && !await waiter.WaitForRoomAsync(aborted).ConfigureAwait(false))
                {
                    return;
                }

                if (!waiter.Deliver(answer) || answer.Kind != EnvelopeKind.StreamItem)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Whatever happens, the waiter gets an end.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            waiter.Deliver(request.CreateError(new PortwayError(ErrorCode.Internal, "streaming failed: " + ex.GetType().Name)));
        }
    }
}
