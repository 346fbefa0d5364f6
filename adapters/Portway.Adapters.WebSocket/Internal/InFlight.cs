using System.Diagnostics;

namespace Portway.Adapters.WebSocket.Internal;

/// <summary>One client request in flight on a socket: its id, operation, correlation and span.</summary>
internal sealed class InFlight(string id, string op, string route, string requestId, string traceId, Activity? activity)
{
    /// <summary>The client's id, as raw JSON.</summary>
    public string Id { get; } = id;

    public string Op { get; } = op;

    /// <summary>The boundary events' route: <c>/path op</c>.</summary>
    public string Route { get; } = route;

    public string RequestId { get; } = requestId;

    public string TraceId { get; } = traceId;

    public Activity? Activity { get; } = activity;

    /// <summary>Ends the request: the waiter fails with caller-cancelled (client cancel, socket gone).</summary>
    public Action? Cancel { get; set; }

    /// <summary>True once the client cancelled it with <c>{"id","op":"cancel"}</c>.</summary>
    public bool CancelledByClient { get; set; }
}
