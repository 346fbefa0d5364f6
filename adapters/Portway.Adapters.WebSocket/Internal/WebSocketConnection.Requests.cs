using System.Diagnostics;
using Portway.Observability;

namespace Portway.Adapters.WebSocket.Internal;

internal sealed partial class WebSocketConnection
{
    /// <summary>The reserved operation that cancels the request in flight with the same id.</summary>
    public const string CancelOp = "cancel";

    private static readonly PortwayError CancelledByClient = new(ErrorCode.Unavailable, "cancelled by the client");

    /// <summary>Turns one well-formed message into an envelope and dispatches it.</summary>
    private void Start(string id, string op, ReadOnlyMemory<byte> payload)
    {
        string? pipeline;
        if (op.Length == 0)
        {
            pipeline = _endpoint.Pipeline.Length > 0 ? _endpoint.Pipeline : null;
            if (pipeline is null)
            {
                Reject(id, _endpoint.Route, new PortwayError(ErrorCode.ValidationFailed, "'op' is missing"));
                return;
            }
        }
        else if (!_endpoint.Operations.TryGetValue(op, out pipeline))
        {
            Reject(id, _endpoint.Route, new PortwayError(ErrorCode.NotFound,
                $"unknown operation '{op}'; this endpoint has: {string.Join(", ", _endpoint.Operations.Keys.Order(StringComparer.Ordinal))}"));
            return;
        }

        var route = op.Length == 0 ? _endpoint.Route : _endpoint.Route + " " + op;
        if (_ingress.Status.IsDraining)
        {
            Reject(id, route, new PortwayError(ErrorCode.Unavailable, "the server is draining"));
            return;
        }

        if (_inFlight.Count >= _endpoint.MaxInFlight)
        {
            Reject(id, route, new PortwayError(ErrorCode.RateLimited,
                $"at most {_endpoint.MaxInFlight} requests (max_in_flight) may be in flight on one socket; wait for an answer first"));
            return;
        }

        var tenant = ClientMessage.TenantOf(payload.Span);
        var admission = _policy.Admit(op, tenant);
        if (admission.Error is { } refused)
        {
            Reject(id, route, refused, admission.RetryAfterSeconds);
            return;
        }

        var previous = Activity.Current;
        using var restore = new ActivityRestore(previous);
        var activity = _ingress.Tracer.StartRequestActivity("portway.request", route, _correlation.ParentContext);
        var traceId = activity?.TraceId.ToHexString() ?? (_correlation.ParentSpanId.Length > 0 ? _correlation.TraceId : EnvelopeIds.NewTraceId());
        var spanId = activity?.SpanId.ToHexString() ?? EnvelopeIds.NewSpanId();
        var request = new InFlight(this, id, op, route, EnvelopeIds.NewId(), traceId, activity);
        activity?.SetTag("portway.request_id", request.RequestId);
        activity?.SetTag("portway.pipeline", pipeline);
        if (!_inFlight.TryAdd(id, request))
        {
            admission.Lease?.Dispose();
            activity?.Dispose();
            Reject(id, route, new PortwayError(ErrorCode.Conflict, $"a request with id {id} is already in flight on this socket"));
            return;
        }

        var call = new PortwayRequest
        {
            Pipeline = pipeline,
            Input = payload,
            Timeout = TimeSpan.FromMilliseconds(_endpoint.TimeoutMs),
            Correlation = new PortwayCorrelation(traceId, request.RequestId, "00-" + traceId + "-" + spanId + ((activity?.Recorded ?? _correlation.ParentSampled) ? "-01" : "-00")),
            Tenant = tenant,
            Identity = _policy.Identity,
            Interface = WebSocketIngress.InterfaceName,
        };
        request.Lease = admission.Lease;

        Emit(BoundaryEventKind.IngressAccepted, request.RequestId, traceId, route);
        if (_ingress.Invoker.GetPipelineKind(pipeline) is PipelineKind.Stream or PipelineKind.KvStream)
        {
            var stream = _ingress.Invoker.OpenStream(call, _requestsAborted.Token);
            request.Call = stream;
            _ = PumpAsync(request, stream);
            return;
        }

        // The request is its own result handler: no task and no extra object per message. Its reply's room is
        // reserved until it ends, so the receive loop does not read more than the queue can answer.
        request.Reserved = payload.Length;
        Reserve(request.Reserved);
        request.Call = _ingress.Invoker.Invoke(call, request, _requestsAborted.Token);
    }

    /// <summary>
    /// Forwards a stream's items as <c>{"id","type":"item"}</c> messages, then its end (<c>{"type":"end"}</c> or an
    /// error). An item waits for room in the send queue: the stream pauses, and backpressure reaches the node.
    /// </summary>
    private async Task PumpAsync(InFlight request, IPortwayStream stream)
    {
        PortwayError? tooLarge = null;
        try
        {
            while (await stream.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (stream.TryRead(out var item))
                {
                    var message = ServerMessage.Item(request.Id, item);
                    if ((tooLarge = OverQueueBound(message, "stream item")) is not null)
                    {
                        // An item no queue of this socket can hold ends its stream with the error, the socket goes on.
                        stream.Cancel();
                        return;
                    }

                    if (!await EnqueueItemAsync(message).ConfigureAwait(false))
                    {
                        // Closing (or the reader is too slow): the socket's close fails the stream's waiter.
                        stream.Cancel();
                    }
                }
            }
        }
        finally
        {
            var result = stream.Result;
            Finish(request, tooLarge is null && result.CallerCancelled, tooLarge ?? result.Error, ServerMessage.End(request.Id));
        }
    }

    /// <summary>
    /// The <c>payload_too_large</c> error for a message over <c>send_queue_bytes</c> by itself (it could only be queued by
    /// overshooting the bound); null when it fits.
    /// </summary>
    private PortwayError? OverQueueBound(byte[] message, string what) => message.Length <= _endpoint.SendQueueBytes
        ? null
        : new PortwayError(ErrorCode.PayloadTooLarge,
            $"the {what} is {message.Length} bytes, over this socket's send_queue_bytes ({_endpoint.SendQueueBytes}): it is not sent");

    /// <summary>The call of a request/response message ended: answer its id (unless the socket is closing).</summary>
    internal void OnReplied(InFlight request, PortwayResult result) =>
        Finish(request, result.CallerCancelled, result.Error, result.Error is null ? ServerMessage.Reply(request.Id, result.Output) : null);

    /// <summary>Ends a request: its last message (<paramref name="success"/>, or the error) goes out, and its events.</summary>
    private void Finish(InFlight request, bool callerCancelled, PortwayError? error, byte[]? success)
    {
        // Counted as finishing until its last message is queued (see CloseWhenIdle); the id is free again at once.
        Interlocked.Increment(ref _finishing);
        _inFlight.TryRemove(new KeyValuePair<string, InFlight>(request.Id, request));
        request.Lease?.Dispose();

        // The reply's reserved room is given back once the reply is queued (or dropped), not before.
        var reserved = request.Reserved;
        request.Reserved = -1;
        if (error is null && OverQueueBound(success!, "reply") is { } tooLarge)
        {
            error = tooLarge;
            callerCancelled = false;
        }

        if (error is null)
        {
            Emit(BoundaryEventKind.EgressDelivered, request.RequestId, request.TraceId, request.Route);
            request.Activity?.Dispose(); // before the reply can reach the client, as for an error below
            Enqueue(success!, finishing: true, reserved);
            return;
        }
        else if (callerCancelled && !request.CancelledByClient)
        {
            // The socket is gone or closing: nobody to answer.
            Emit(BoundaryEventKind.EgressFailed, request.RequestId, request.TraceId, request.Route, "cancelled");
            request.Activity?.Dispose();
            if (reserved >= 0) Unreserve(reserved);
            EndFinishing();
            return;
        }
        else
        {
            if (request.CancelledByClient) error = CancelledByClient;
            request.Activity?.SetStatus(ActivityStatusCode.Error, error.Code);
            Emit(BoundaryEventKind.EgressFailed, request.RequestId, request.TraceId, request.Route, error.Code);
            request.Activity?.Dispose();
            Enqueue(ServerMessage.Error(request.Id, error, request.RequestId, request.TraceId), finishing: true, reserved);
        }
    }

    /// <summary>A request's last message is queued (or dropped with the socket): it no longer holds a shutdown back.</summary>
    private void EndFinishing()
    {
        Interlocked.Decrement(ref _finishing);
        CloseIfShuttingDownAndIdle();
    }

    /// <summary>Answers a message refused before routing with an error; the socket stays open.</summary>
    private void Reject(string? id, string route, PortwayError error, int retryAfterSeconds = 0)
    {
        var requestId = EnvelopeIds.NewId();
        var traceId = _correlation.ParentSpanId.Length > 0 ? _correlation.TraceId : EnvelopeIds.NewTraceId();
        Emit(BoundaryEventKind.IngressRejected, requestId, traceId, route, error.Code);
        Enqueue(ServerMessage.Error(id, error, requestId, traceId, retryAfterSeconds));
    }
}
