namespace Portway.Internal;

/// <summary>Every log event id of the runtime, in one place. Ranges: 1xx boundary, 2xx routing, 3xx transport, 4xx supervisor, 5xx host, 60x websocket adapter, 70x graphql adapter.</summary>
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
    public const int NodeErrorCodeUnknown = 203;

    public const int FrameRejected = 300;
    public const int PeerDisconnected = 301;
    public const int LinkFailed = 302;
    public const int WorkerLinkLost = 303;
    public const int AcceptFailed = 304;
    public const int PeerStalled = 305;
    public const int WorkerBusy = 306;

    public const int WorkerStarted = 400;
    public const int WorkerExited = 401;
    public const int WorkerRestartScheduled = 402;
    public const int WorkerReady = 403;
    public const int WorkerListening = 404;
    public const int WorkerGaveUp = 405;
    public const int WorkerOutput = 406;
    public const int WorkerStartFailed = 407;
    public const int WorkerConnected = 408;
    public const int WorkerRefused = 409;
    public const int WorkerStopping = 410;
    public const int WorkerNotReady = 411;
    public const int WorkerStopped = 412;
    public const int WorkerRecovered = 413;
    public const int WorkerRollStarting = 420;
    public const int WorkerRollSwitched = 421;

    public const int ContractSummary = 500;
    public const int Draining = 501;
    public const int DrainTimedOut = 502;
    public const int ConfigReloaded = 510;
    public const int ConfigReloadProblem = 511;
    public const int ConfigReloadRefused = 512;
    public const int ConfigWatchFailed = 513;
    public const int ConfigFile = 503;

    public const int WebSocketOpened = 600;
    public const int WebSocketClosed = 601;
    public const int WebSocketSlowReader = 602;

    public const int GraphQLSchemaBuilt = 700;
    public const int GraphQLWebSocketClosing = 701;
    public const int GraphQLOperationFailed = 702;
}
