using Portway.Internal.Correlation;
using Portway.Internal.Lifecycle;

namespace Portway.Internal.Routing;

/// <summary>
/// The public ingress port over the waiters and dispatchers: a call registers a waiter (deadline, caller's
/// cancellation, drain), builds the request envelope, and the dispatcher hands the answer straight to the waiter.
/// </summary>
internal sealed class PortwayInvoker(
    WaiterRegistry waiters,
    RequestDispatcher dispatcher,
    StreamDispatcher streams,
    RoutingTable routes,
    DrainCoordinator drain) : IPortwayInvoker
{
    private static readonly PortwayError Draining = new(ErrorCode.Unavailable, "the server is draining");

    public PipelineKind GetPipelineKind(string pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return !routes.TryGet(pipeline, out var compiled) ? PipelineKind.NotFound
            : compiled.IsKvStream ? PipelineKind.KvStream
            : compiled.IsStream ? PipelineKind.Stream
            : PipelineKind.RequestResponse;
    }

    public ValueTask<PortwayResult> InvokeAsync(in PortwayRequest request, CancellationToken cancellationToken = default)
    {
        if (drain.IsDraining)
        {
            return ValueTask.FromResult(PortwayResult.Failure(Draining));
        }

        var waiter = waiters.Register(new TaskWaiter(request.Timeout, waiters.Time), cancellationToken);
        dispatcher.Dispatch(ToEnvelope(request), waiter, request.Interface);
        return new ValueTask<PortwayResult>(waiter.Task);
    }

    public IPortwayCall Invoke(in PortwayRequest request, IPortwayResultHandler handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var waiter = new HandlerWaiter(handler, request.Timeout, waiters.Time);
        if (drain.IsDraining)
        {
            handler.OnResult(PortwayResult.Failure(Draining));
            return waiter;
        }

        waiters.Register(waiter, cancellationToken);
        dispatcher.Dispatch(ToEnvelope(request), waiter, request.Interface);
        return waiter;
    }

    public IPortwayStream OpenStream(in PortwayRequest request, CancellationToken cancellationToken = default)
    {
        var envelope = ToEnvelope(request);
        if (drain.IsDraining)
        {
            var refused = new StreamWaiter(request.Timeout, waiters.Time);
            waiters.Register(refused, CancellationToken.None);
            refused.Deliver(envelope.CreateError(Draining));
            return refused;
        }

        return streams.Open(envelope, request.Timeout, cancellationToken, request.Interface);
    }

    private Envelope ToEnvelope(in PortwayRequest request)
    {
        ArgumentNullException.ThrowIfNull(request.Pipeline);
        var correlation = request.Correlation.IsEmpty ? PortwayCorrelation.New() : request.Correlation;
        var envelope = Envelope.CreateRequest(request.Pipeline, correlation.TraceId, correlation.RequestId, correlation.TraceParent, request.Tenant, request.Input);
        envelope.Identity = request.Identity;
        envelope.Deadline = waiters.Time.GetUtcNow() + request.Timeout;
        return envelope;
    }
}
