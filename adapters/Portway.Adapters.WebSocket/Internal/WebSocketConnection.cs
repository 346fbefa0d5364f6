using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Threading.Channels;
using Portway.Adapters.Http;
using Portway.Configuration;
using Portway.Observability;

namespace Portway.Adapters.WebSocket.Internal;

/// <summary>
/// One accepted socket: a receive loop that turns each text message into an envelope (many in flight, each
/// answered to its own id, at most <c>max_in_flight</c>) and a send loop that drains a queue of outbound messages
/// bounded in messages and bytes. While that queue is full the receive loop reads nothing more (backpressure on
/// the inbound side first); only a client that leaves it full for <c>timeout_ms</c> is closed with 1013. Every way it ends
/// (client close, server close, broken socket) fails all of its waiters, so none is left pending.
/// </summary>
internal sealed partial class WebSocketConnection : IDisposable
{
    /// <summary>How long a close handshake (or a send stuck on a slow reader) may take before the socket is aborted.</summary>
    internal static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(10);

    /// <summary>1013 Try Again Later: the close code for a reader too slow for the send queue.</summary>
    internal const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    private readonly System.Net.WebSockets.WebSocket _socket;
    private readonly EndpointConfig _endpoint;
    private readonly WebSocketIngress _ingress;
    private readonly RequestCorrelation _correlation;
    private readonly SocketPolicy _policy;
    private readonly Channel<byte[]> _outbound;
    private readonly ConcurrentDictionary<string, InFlight> _inFlight = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _requestsAborted = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly ITimer _idleTimer;
    private readonly TimeSpan _idleTimeout;
    private CancellationTokenRegistration _drained;
    private ITimer? _closeTimer;
    private int _closing;
    private int _closeWhenIdle;
    private int _finishing;
    private volatile bool _discardQueued;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeReason = "";

    // The send queue's bound (see HasRoomFor): messages and bytes queued or being sent, and who waits for room.
    private readonly SendRoom _room = new();
    private int _queuedCount;
    private long _queuedBytes;
    private int _reservedCount;
    private long _reservedBytes;
    private int _sentCount;

    public WebSocketConnection(System.Net.WebSockets.WebSocket socket, EndpointConfig endpoint, WebSocketIngress ingress, RequestCorrelation correlation, SocketPolicy? policy = null)
    {
        _policy = policy ?? SocketPolicy.Open;
        _socket = socket;
        _endpoint = endpoint;
        _ingress = ingress;
        _correlation = correlation;
        _outbound = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        _idleTimeout = TimeSpan.FromMilliseconds(endpoint.IdleTimeoutMs);
        _idleTimer = ingress.Time.CreateTimer(static s => ((WebSocketConnection)s!).OnIdle(), this, _idleTimeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Requests of this socket in flight now.</summary>
    public int InFlightCount => _inFlight.Count;

    private bool IsClosing => Volatile.Read(ref _closing) != 0;

    /// <summary>Runs the socket until it is closed or broken; never throws for a socket problem.</summary>
    public async Task RunAsync()
    {
        _drained = _ingress.Status.Drained.UnsafeRegister(static s => ((WebSocketConnection)s!).CloseWhenIdle(), this);
        var send = SendLoopAsync();
        try
        {
            await ReceiveLoopAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The socket broke or was aborted: the finally block cleans up.
        }
        finally
        {
            BeginClose(WebSocketCloseStatus.NormalClosure, "", discardQueued: true);
            await send.ConfigureAwait(false);
            WebSocketLog.Closed(_ingress.Logger, _endpoint.Path, (int)_closeStatus, _closeReason, _correlation.RequestId);
        }
    }

    /// <summary>
    /// Starts closing, once: fails every request of the socket (their pipelines are cancelled), stops queueing,
    /// and lets the send loop finish with a close frame. The socket is aborted if that does not end within
    /// <see cref="CloseTimeout"/>.
    /// </summary>
    public void BeginClose(WebSocketCloseStatus status, string reason, bool discardQueued)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        _closeStatus = status;
        _closeReason = reason;
        _discardQueued = discardQueued;
        _idleTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _closeTimer = _ingress.Time.CreateTimer(static s => ((WebSocketConnection)s!).Abort(), this, CloseTimeout, Timeout.InfiniteTimeSpan);
        Cancel(_requestsAborted);
        _outbound.Writer.TryComplete();
        _room.Signal();
    }

    /// <summary>
    /// Shutdown (the drain ended): closes with 1001 once no request is in flight or finishing. A request's
    /// waiter is gone from the registry (so the drain may end) a moment before its last message is queued;
    /// closing only when the socket's own requests are done keeps that message.
    /// </summary>
    private void CloseWhenIdle()
    {
        Interlocked.Exchange(ref _closeWhenIdle, 1);
        CloseIfShuttingDownAndIdle();
    }

    private void CloseIfShuttingDownAndIdle()
    {
        if (Volatile.Read(ref _closeWhenIdle) != 0 && _inFlight.IsEmpty && Volatile.Read(ref _finishing) == 0)
        {
            BeginClose(WebSocketCloseStatus.EndpointUnavailable, "server shutting down", discardQueued: false);
        }
    }

    private void Abort() => Cancel(_abort);

    private void OnIdle()
    {
        if (!_inFlight.IsEmpty)
        {
            _idleTimer.Change(_idleTimeout, Timeout.InfiniteTimeSpan);
            return;
        }

        BeginClose(WebSocketCloseStatus.NormalClosure, "idle timeout", discardQueued: false);
    }

    private void Emit(BoundaryEventKind kind, string requestId, string traceId, string route, string? code = null) =>
        _ingress.Telemetry.Emit(new BoundaryEvent(kind, traceId, requestId, WebSocketIngress.InterfaceName, route, Code: code));

    private static void Cancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _drained.Dispose();
        _idleTimer.Dispose();
        _closeTimer?.Dispose();
        _requestsAborted.Dispose();
        _abort.Dispose();
    }
}
