namespace Portway.Internal;

/// <summary>Every log event id of the runtime, in one place. Ranges: 1xx boundary, 2xx routing, 3xx transport, 4xx supervisor, 5xx host, 6xx websocket.</summary>
internal static class EventIds
{
    public const int IngressAccepted = 100;
    public const int IngressRejected = 101;
    public const int RoutingHandoff = 102;
    public const int EgressDelivered = 103;
    public const int EgressFailed = 104;

    public const int NodeFailed = 200;
    public const int SignatureRejected = 201;
    public const int ReplyDropped = 202;

    public const int FrameRejected = 300;
    public const int PeerDisconnected = 301;

    public const int WorkerStarted = 400;
    public const int WorkerExited = 401;
    public const int WorkerRestartScheduled = 402;
    public const int WorkerReady = 403;

    public const int ContractSummary = 500;
    public const int Draining = 501;
    public const int DrainTimedOut = 502;

    public const int WebSocketOpened = 600;
    public const int WebSocketClosed = 601;
    public const int WebSocketSlowReader = 602;
}
