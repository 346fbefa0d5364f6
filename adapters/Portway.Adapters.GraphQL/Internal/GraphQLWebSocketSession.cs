using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using GraphQL;
using Microsoft.Extensions.Logging;
using Portway.Adapters.Http;
using Portway.Observability;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>
/// One WebSocket connection speaking <c>graphql-transport-ws</c>: <c>connection_init</c> / <c>connection_ack</c>,
/// <c>ping</c> / <c>pong</c>, <c>subscribe</c> → <c>next</c>* then <c>complete</c> or <c>error</c>, and a client
/// <c>complete</c> that cancels its operation. Protocol violations close the socket with the protocol's 44xx codes.
/// One receive loop, one send loop over a bounded queue; every operation ends (its stream waiter removed) when the
/// socket closes.
/// </summary>
internal sealed partial class GraphQLWebSocketSession
{
    public const string SubProtocol = "graphql-transport-ws";

    private readonly WebSocket _socket;
    private readonly GraphQLEndpoint _endpoint;
    private readonly IDocumentExecuter _executer;
    private readonly IGraphQLTextSerializer _serializer;
    private readonly IBoundaryEventPublisher _telemetry;
    private readonly IPortwayStatus _drain;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RequestCorrelation _correlation;
    private readonly PortwayTracer _tracer;
    private readonly Channel<byte[]> _outbound = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });

    private readonly ConcurrentDictionary<string, Operation> _operations = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closing = new();

    /// <summary>Makes "end an operation and queue its last message" atomic with closing, so no last message is lost.</summary>
    private readonly Lock _gate = new();
    private (int Code, string Reason)? _close;
    private int _closeRequested;
    private volatile bool _initReceived;
    private Task<GraphQLAccess> _access = Task.FromResult(GraphQLAccess.Anonymous);

    /// <summary>The policy service when <c>auth.jwt</c> is set: <c>connection_init</c> then authenticates (4403 when refused).</summary>
    public IPortwayBoundaryPolicies? Policies { get; init; }

    /// <summary>The live gauges (<c>websocket_reads_paused</c>), when the host keeps them.</summary>
    public PortwayGauges? Gauges { get; init; }

    /// <summary>The client address, for <c>by: client</c> rate limits.</summary>
    public string Client { get; init; } = "";

    public GraphQLWebSocketSession(
        WebSocket socket,
        GraphQLEndpoint endpoint,
        IDocumentExecuter executer,
        IGraphQLTextSerializer serializer,
        IBoundaryEventPublisher telemetry,
        IPortwayStatus drain,
        ILogger logger,
        TimeProvider time,
        RequestCorrelation correlation,
        PortwayTracer tracer)
    {
        _socket = socket;
        _endpoint = endpoint;
        _executer = executer;
        _serializer = serializer;
        _telemetry = telemetry;
        _drain = drain;
        _logger = logger;
        _time = time;
        _correlation = correlation;
        _tracer = tracer;
    }

    /// <summary>Runs the connection until it closes; every operation is cancelled on the way out.</summary>
    public async Task RunAsync(CancellationToken requestAborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, _closing.Token);
        using var goingAway = _drain.Drained.Register(static s => ((GraphQLWebSocketSession)s!).OnDrained(), this);
        var send = SendLoopAsync();
        using var initTimer = _time.CreateTimer(
            static s => ((GraphQLWebSocketSession)s!).OnInitTimeout(), this, TimeSpan.FromMilliseconds(_endpoint.Config.TimeoutMs), Timeout.InfiniteTimeSpan);
        try
        {
            await ReceiveLoopAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            // The client went away, or the close handshake timed out: end everything below.
        }
        finally
        {
            CancelAll();
            _outbound.Writer.TryComplete();
            try
            {
                await send.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
            {
            }

            _closing.Dispose();
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var max = _endpoint.Config.MaxBodyBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(max, 16 * 1024) + 1);
        var message = new ArrayBufferWriter<byte>(1024);
        try
        {
            while (true)
            {
                if (message.WrittenCount == 0 && SendQueueFull)
                {
                    // Backpressure: no new message is read while the client's answers pile up.
                    Gauges?.Add(PortwayGauges.WebSocketReadsPaused, 1);
                    try
                    {
                        await WaitForSendRoomAsync(cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        Gauges?.Add(PortwayGauges.WebSocketReadsPaused, -1);
                    }
                }

                var received = await _socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        // The client closed first: answer its close (the send loop does, after what is queued).
                        RequestClose((int)WebSocketCloseStatus.NormalClosure, "");
                    }

                    return;
                }

                if (Volatile.Read(ref _closeRequested) != 0)
                {
                    message.ResetWrittenCount();
                    continue;
                }

                if (message.WrittenCount + received.Count > max)
                {
                    RequestClose(GraphQLWsCloseCodes.MessageTooBig, $"message over max_body_bytes ({max})");
                    message.ResetWrittenCount();
                    continue;
                }

                message.Write(buffer.AsSpan(0, received.Count));
                if (!received.EndOfMessage)
                {
                    continue;
                }

                Handle(message.WrittenSpan);
                message.ResetWrittenCount();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Handle(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException)
        {
            RequestClose(GraphQLWsCloseCodes.BadRequest, "Invalid message received: not JSON");
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                RequestClose(GraphQLWsCloseCodes.BadRequest, "Invalid message received: no 'type'");
                return;
            }

            switch (typeElement.GetString())
            {
                case "connection_init":
                    if (_initReceived)
                    {
                        RequestClose(GraphQLWsCloseCodes.TooManyInitialisationRequests, "Too many initialisation requests");
                        return;
                    }

                    _initReceived = true;
                    if (Policies is null)
                    {
                        Enqueue(Message("connection_ack", null));
                    }
                    else
                    {
                        _access = InitAsync(root.TryGetProperty("payload", out var payload) ? GraphQLAccess.TokenOf(payload) : null);
                    }

                    break;
                case "ping":
                    Enqueue(Message("pong", null));
                    break;
                case "pong":
                    break;
                case "subscribe":
                    OnSubscribe(root);
                    break;
                case "complete":
                    if (!TryGetId(root, out var id))
                    {
                        return;
                    }

                    if (_operations.TryGetValue(id, out var operation))
                    {
                        Cancel(operation);
                    }

                    break;
                default:
                    RequestClose(GraphQLWsCloseCodes.BadRequest, "Invalid message received: unknown type");
                    break;
            }
        }
    }

    private bool TryGetId(JsonElement root, out string id)
    {
        id = "";
        if (root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String && idElement.GetString() is { Length: > 0 } value)
        {
            id = value;
            return true;
        }

        RequestClose(GraphQLWsCloseCodes.BadRequest, "Invalid message received: no 'id'");
        return false;
    }

    /// <summary>Draining ended: each operation still running gets its <c>error</c> (unavailable), then the socket closes 1001.</summary>
    private void OnDrained()
    {
        foreach (var operation in _operations.Values)
        {
            Fail(operation, new PortwayFieldError(new PortwayError(ErrorCode.Unavailable, "the server is shutting down")), rejected: false);
        }

        RequestClose(GraphQLWsCloseCodes.GoingAway, "the server is shutting down");
    }

    private void OnInitTimeout()
    {
        if (!_initReceived)
        {
            RequestClose(GraphQLWsCloseCodes.ConnectionInitTimeout, "Connection initialisation timeout");
        }
    }

    /// <summary>Closes the connection once: stops every operation, then the send loop sends the close frame after what is queued.</summary>
    private void RequestClose(int code, string reason)
    {
        lock (_gate)
        {
            if (Interlocked.Exchange(ref _closeRequested, 1) != 0)
            {
                return;
            }

            GraphQLLog.WebSocketClosing(_logger, _endpoint.Path, code, reason, _correlation.RequestId);
            _close = (code, reason);
            CancelAll();
            _outbound.Writer.TryComplete();
        }

        _room.Signal();
    }
}
