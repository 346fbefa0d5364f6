using System.Diagnostics;

namespace Portway.Adapters.WebSocket.Internal;

/// <summary>
/// One client request in flight on a socket: its id, operation, correlation and span. It is also the handler of its
/// call's result, so a request/response message costs no task and no extra object.
/// </summary>
internal sealed class InFlight(WebSocketConnection connection, string id, string op, string route, string requestId, string traceId, Activity? activity)
    : IPortwayResultHandler
{
    /// <summary>The client's id, as raw JSON.</summary>
    public string Id { get; } = id;

    public string Op { get; } = op;

    /// <summary>The boundary events' route: <c>/path op</c>.</summary>
    public string Route { get; } = route;

    public string RequestId { get; } = requestId;

    public string TraceId { get; } = traceId;

    public Activity? Activity { get; } = activity;

    /// <summary>The call running it (set right after it starts).</summary>
    public IPortwayCall? Call { get; set; }

    /// <summary>Send-queue bytes reserved for its reply until it ends (see WebSocketConnection.HasRoomToRead); -1 when none.</summary>
    public int Reserved { get; set; } = -1;

    /// <summary>True once the client cancelled it with <c>{"id","op":"cancel"}</c>.</summary>
    public bool CancelledByClient { get; private set; }

    /// <summary>The client cancelled it: its call ends as caller-cancelled, answered "cancelled by the client".</summary>
    public void Cancel()
    {
        CancelledByClient = true;
        Call?.Cancel();
    }

    public void OnResult(PortwayResult result) => connection.OnReplied(this, result);
}
