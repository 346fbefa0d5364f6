using System.Diagnostics;
using Portway.Internal.Correlation;
using Portway.Internal.Observability;
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
        if (_ingress.Drain.IsDraining)
        {
            Reject(id, route, new PortwayError(ErrorCode.Unavailable, "the server is draining"));
            return;
        }

        var previous = Activity.Current;
        using var restore = new ActivityRestore(previous);
        var activity = PortwayTelemetry.StartActivity("portway.request", route, ActivityKind.Server, _correlation.ParentContext);
        var traceId = activity?.TraceId.ToHexString() ?? (_correlation.ParentSpanId.Length > 0 ? _correlation.TraceId : EnvelopeIds.NewTraceId());
        var spanId = activity?.SpanId.ToHexString() ?? EnvelopeIds.NewSpanId();
        var request = new InFlight(id, op, route, EnvelopeIds.NewId(), traceId, activity);
        activity?.SetTag("portway.request_id", request.RequestId);
        activity?.SetTag("portway.pipeline", pipeline);
        if (!_inFlight.TryAdd(id, request))
        {
            activity?.Dispose();
            Reject(id, route, new PortwayError(ErrorCode.Conflict, $"a request with id {id} is already in flight on this socket"));
            return;
        }

        var envelope = Envelope.CreateRequest(pipeline, traceId, request.RequestId, "00-" + traceId + "-" + spanId + "-01", ClientMessage.TenantOf(payload.Span), payload);

        Emit(BoundaryEventKind.IngressAccepted, request.RequestId, traceId, route);
        var timeout = TimeSpan.FromMilliseconds(_endpoint.TimeoutMs);
        if (_ingress.Routes.TryGet(pipeline, out var compiled) && compiled.IsStream)
        {
            var stream = _ingress.Streams.Open(envelope, timeout, _requestsAborted.Token, WebSocketIngress.InterfaceName);
            request.Cancel = () =>
            {
                request.CancelledByClient = true;
                stream.Fail(WaiterEnd.CallerCancelled);
            };
            _ = PumpAsync(request, stream);
            return;
        }

        var waiter = new MessageWaiter(this, request, timeout, _ingress.Time);
        request.Cancel = () =>
        {
            request.CancelledByClient = true;
            waiter.Fail(WaiterEnd.CallerCancelled);
        };
        _ingress.Waiters.Register(waiter, _requestsAborted.Token);
        _ingress.Dispatcher.Dispatch(envelope, waiter, WebSocketIngress.InterfaceName);
    }

    /// <summary>
    /// Forwards a stream's items as <c>{"id","type":"item"}</c> messages, then its end (<c>{"type":"end"}</c> or an
    /// error). An item waits for room in the send queue: the stream pauses, and backpressure reaches the node.
    /// </summary>
    private async Task PumpAsync(InFlight request, StreamWaiter stream)
    {
        try
        {
            while (await stream.Items.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (stream.Items.TryRead(out var item))
                {
                    if (!await EnqueueItemAsync(ServerMessage.Item(request.Id, item.Payload)).ConfigureAwait(false))
                    {
                        // Closing (or the reader is too slow): the socket's close fails the stream's waiter.
                        stream.Fail(WaiterEnd.CallerCancelled);
                    }
                }
            }
        }
        finally
        {
            Finish(request, stream.End, stream.Result.Error, ServerMessage.End(request.Id));
        }
    }
    /// <summary>The waiter of a request/response message ended: answer its id (unless the socket is closing).</summary>
    internal void OnReplied(MessageWaiter waiter, WaiterEnd reason, Envelope? answer)
    {
        var result = new WaiterResult(reason, answer);
        Finish(waiter.Request, reason, result.Error, result.Error is null ? ServerMessage.Reply(waiter.Request.Id, answer!.Payload) : null);
    }

    /// <summary>Ends a request: its last message (<paramref name="success"/>, or the error) goes out, and its events.</summary>
    private void Finish(InFlight request, WaiterEnd reason, PortwayError? error, byte[]? success)
    {
        // Counted as finishing until its last message is queued (see CloseWhenIdle); the id is free again at once.
        Interlocked.Increment(ref _finishing);
        _inFlight.TryRemove(new KeyValuePair<string, InFlight>(request.Id, request));
        if (error is null)
        {
            Emit(BoundaryEventKind.EgressDelivered, request.RequestId, request.TraceId, request.Route);
            Enqueue(success!);
        }
        else if (reason == WaiterEnd.CallerCancelled && !request.CancelledByClient)
        {
            // The socket is gone or closing: nobody to answer.
            Emit(BoundaryEventKind.EgressFailed, request.RequestId, request.TraceId, request.Route, "cancelled");
        }
        else
        {
            if (request.CancelledByClient) error = CancelledByClient;
            request.Activity?.SetStatus(ActivityStatusCode.Error, error.Code);
            Emit(BoundaryEventKind.EgressFailed, request.RequestId, request.TraceId, request.Route, error.Code);
            Enqueue(ServerMessage.Error(request.Id, error, request.RequestId, request.TraceId));
        }

        request.Activity?.Dispose();

        Interlocked.Decrement(ref _finishing);
        CloseIfShuttingDownAndIdle();
    }

    /// <summary>Answers a message refused before routing with an error; the socket stays open.</summary>
    private void Reject(string? id, string route, PortwayError error)
    {
        var requestId = EnvelopeIds.NewId();
        var traceId = _correlation.ParentSpanId.Length > 0 ? _correlation.TraceId : EnvelopeIds.NewTraceId();
        Emit(BoundaryEventKind.IngressRejected, requestId, traceId, route, error.Code);
        Enqueue(ServerMessage.Error(id, error, requestId, traceId));
    }
}
