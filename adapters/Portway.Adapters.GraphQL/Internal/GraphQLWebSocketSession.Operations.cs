using System.Diagnostics;
using System.Text.Json;
using GraphQL;
using GraphQL.Validation;
using Portway.Adapters.Http;
using Portway.Observability;

namespace Portway.Adapters.GraphQL.Internal;

internal sealed partial class GraphQLWebSocketSession
{
    private void OnSubscribe(JsonElement root)
    {
        if (!_initReceived)
        {
            RequestClose(GraphQLWsCloseCodes.Unauthorized, "Unauthorized");
            return;
        }

        if (!TryGetId(root, out var id))
        {
            return;
        }

        if (!root.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.Object
            || !payload.TryGetProperty("query", out var query) || query.ValueKind != JsonValueKind.String)
        {
            RequestClose(GraphQLWsCloseCodes.BadRequest, "Invalid message received: subscribe needs payload.query");
            return;
        }

        string? operationName = null;
        if (payload.TryGetProperty("operationName", out var op) && op.ValueKind == JsonValueKind.String)
        {
            operationName = op.GetString();
        }

        Inputs? variables = null;
        if (payload.TryGetProperty("variables", out var vars) && vars.ValueKind != JsonValueKind.Null)
        {
            if (vars.ValueKind != JsonValueKind.Object)
            {
                RequestClose(GraphQLWsCloseCodes.BadRequest, "Invalid message received: payload.variables must be an object");
                return;
            }

            variables = _serializer.Deserialize<Inputs>(vars.GetRawText());
        }

        var operation = StartOperation(id);
        if (!_operations.TryAdd(id, operation))
        {
            RequestClose(GraphQLWsCloseCodes.SubscriberAlreadyExists, Reason($"Subscriber for {id} already exists"));
            return;
        }

        if (_drain.IsDraining)
        {
            Fail(operation, new PortwayFieldError(new PortwayError(ErrorCode.Unavailable, "the server is draining")), rejected: true);
            return;
        }

        var maxInFlight = _endpoint.Config.MaxInFlight;
        if (_operations.Count > maxInFlight)
        {
            Fail(operation, new PortwayFieldError(new PortwayError(ErrorCode.RateLimited,
                $"at most {maxInFlight} operations (max_in_flight) may run at once on one connection; complete one first")), rejected: true);
            return;
        }

        var text = query.GetString()!;
        if (GraphQLDocumentGuard.Check(text, _endpoint.Config.MaxTokens, _endpoint.Config.MaxFields, out var document) is { } tooBig)
        {
            Fail(operation, new PortwayFieldError(tooBig), rejected: true);
            return;
        }

        _ = RunOperationGuardedAsync(operation, text, document, operationName, variables);
    }

    /// <summary>
    /// A new operation with its own request id and span (<c>portway.subscribe PATH</c>, child of the connection's
    /// span, ended with the operation); the span is not left current on the receive loop.
    /// </summary>
    private Operation StartOperation(string id)
    {
        var previous = Activity.Current;
        // The connection's sampling decision (its traceparent's flags) carries on: a parent-based sampler follows it.
        var sampled = _correlation.TraceParent.EndsWith("-01", StringComparison.Ordinal) ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None;
        var parent = new ActivityContext(ActivityTraceId.CreateFromString(_correlation.TraceId), ActivitySpanId.CreateFromString(_correlation.SpanId), sampled);
        var activity = _tracer.StartActivity("portway.subscribe", _endpoint.Path, ActivityKind.Server, parent);
        Activity.Current = previous;
        var correlation = (_correlation with { RequestId = EnvelopeIds.NewId(), SpanId = EnvelopeIds.NewSpanId() }).WithActivity(activity);
        activity?.SetTag("portway.request_id", correlation.RequestId);
        activity?.SetTag("graphql.operation_id", id);
        return new Operation(id, correlation, activity);
    }

    private async Task RunOperationGuardedAsync(Operation operation, string query, GraphQLParser.AST.GraphQLDocument? document, string? operationName, Inputs? variables)
    {
        try
        {
            await RunOperationAsync(operation, query, document, operationName, variables).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever happens, the operation ends with an error the client sees.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            GraphQLLog.OperationFailed(_logger, ex, operation.RequestId);
            Fail(operation, new PortwayFieldError(new PortwayError(ErrorCode.Internal, "the operation failed")), rejected: false);
        }
    }

    private async Task RunOperationAsync(Operation operation, string query, GraphQLParser.AST.GraphQLDocument? document, string? operationName, Inputs? variables)
    {
        Activity.Current = operation.Activity;
        var access = await _access.ConfigureAwait(false);
        Emit(BoundaryEventKind.IngressAccepted, operation);
        ExecutionResult result;
        try
        {
            result = await _executer.ExecuteAsync(new ExecutionOptions
            {
                Schema = _endpoint.Schema,
                Query = query,
                Document = document,
                OperationName = operationName,
                Variables = variables,
                UserContext = new GraphQLCallContext(operation.Correlation) { WaitForSendRoom = WaitForSendRoomAsync, Access = access },
                ValidationRules = [.. DocumentValidator.CoreRules, OperationKindRule.ForWebSocket, _endpoint.Limits],
                CancellationToken = operation.Token,
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (operation.Token.IsCancellationRequested)
        {
            return;
        }

        PortwayErrorInfoProvider.Classify(result.Errors, operation.RequestId);
        if (result.Streams is { Count: > 0 } streams)
        {
            if (operation.IsEnded)
            {
                return;
            }

            var subscription = streams.Values.First().Subscribe(new OperationObserver(this, operation));
            if (!operation.Attach(subscription))
            {
                subscription.Dispose();
            }

            return;
        }

        if (result.Data is null && result.Errors is { Count: > 0 } errors)
        {
            // Nothing ran (parse or validation error) or the stream could not start: the protocol's "error".
            Fail(operation, errors[0], rejected: !result.Executed, errors);
            return;
        }

        lock (_gate)
        {
            if (!End(operation))
            {
                return;
            }

            Enqueue(NextMessage(operation.Id, result));
            Enqueue(Message("complete", operation.Id));
        }

        if (result.Errors is { Count: > 0 } fieldErrors)
        {
            Emit(BoundaryEventKind.EgressFailed, operation, PortwayErrorInfoProvider.CodeOf(fieldErrors[0]));
        }
        else
        {
            Emit(BoundaryEventKind.EgressDelivered, operation);
        }
    }

    /// <summary>Ends an operation with the protocol's <c>error</c> message (no <c>complete</c> follows).</summary>
    private void Fail(Operation operation, ExecutionError error, bool rejected, IEnumerable<ExecutionError>? all = null)
    {
        var errors = all ?? [error];
        PortwayErrorInfoProvider.Classify(errors, operation.RequestId);
        operation.Activity?.SetStatus(ActivityStatusCode.Error, PortwayErrorInfoProvider.CodeOf(error));
        var message = ErrorMessage(operation.Id, errors);
        lock (_gate)
        {
            if (!End(operation))
            {
                return;
            }

            Enqueue(message);
        }

        Emit(rejected ? BoundaryEventKind.IngressRejected : BoundaryEventKind.EgressFailed, operation, PortwayErrorInfoProvider.CodeOf(error));
    }

    /// <summary>Cancels a running operation (client <c>complete</c>, socket closed): its stream stops, its waiter goes.</summary>
    private void Cancel(Operation operation)
    {
        if (End(operation))
        {
            Emit(BoundaryEventKind.EgressFailed, operation, "cancelled");
        }
    }

    private void CancelAll()
    {
        foreach (var operation in _operations.Values)
        {
            Cancel(operation);
        }
    }

    /// <summary>Ends an operation exactly once: removes it, cancels its execution, disposes its stream subscription.</summary>
    private bool End(Operation operation)
    {
        if (!operation.TryEnd())
        {
            return false;
        }

        _operations.TryRemove(new KeyValuePair<string, Operation>(operation.Id, operation));
        return true;
    }

    private void Emit(BoundaryEventKind kind, Operation operation, string? code = null) =>
        _telemetry.Emit(new BoundaryEvent(kind, operation.Correlation.TraceId, operation.RequestId, InterfaceName, "SUBSCRIBE " + _endpoint.Path, Code: code));

    private const string InterfaceName = PipelineFieldResolver.InterfaceName;

    /// <summary>One <c>subscribe</c> of the connection, by its id.</summary>
    private sealed class Operation(string id, RequestCorrelation correlation, Activity? activity)
    {
        private readonly CancellationTokenSource _cancel = new();
        private readonly Lock _gate = new();
        private IDisposable? _subscription;
        private bool _ended;

        public string Id { get; } = id;

        public RequestCorrelation Correlation { get; } = correlation;

        public string RequestId => Correlation.RequestId;

        /// <summary>The operation's span; stopped when it ends.</summary>
        public Activity? Activity { get; } = activity;

        public CancellationToken Token => _cancel.Token;

        public bool IsEnded
        {
            get
            {
                lock (_gate)
                {
                    return _ended;
                }
            }
        }

        /// <summary>Keeps the stream subscription to dispose at the end; false (dispose it yourself) when already ended.</summary>
        public bool Attach(IDisposable subscription)
        {
            lock (_gate)
            {
                if (_ended)
                {
                    return false;
                }

                _subscription = subscription;
                return true;
            }
        }

        public bool TryEnd()
        {
            IDisposable? subscription;
            lock (_gate)
            {
                if (_ended)
                {
                    return false;
                }

                _ended = true;
                subscription = _subscription;
                _subscription = null;
            }

            _cancel.Cancel();
            subscription?.Dispose();
            Activity?.Stop();
            return true;
        }
    }

    /// <summary>Turns the events of one subscription stream into <c>next</c>, <c>error</c> and <c>complete</c> messages.</summary>
    private sealed class OperationObserver(GraphQLWebSocketSession session, Operation operation) : IObserver<ExecutionResult>
    {
        public void OnNext(ExecutionResult value)
        {
            Debug.Assert(value is not null);
            if (operation.IsEnded)
            {
                return;
            }

            PortwayErrorInfoProvider.Classify(value.Errors, operation.RequestId);
            session.Enqueue(session.NextMessage(operation.Id, value));
        }

        public void OnError(Exception error) =>
            session.Fail(operation, error as ExecutionError ?? new PortwayFieldError(new PortwayError(ErrorCode.Internal, "the stream failed")), rejected: false);

        public void OnCompleted()
        {
            lock (session._gate)
            {
                if (!session.End(operation))
                {
                    return;
                }

                session.Enqueue(Message("complete", operation.Id));
            }

            session.Emit(BoundaryEventKind.EgressDelivered, operation);
        }
    }
}
