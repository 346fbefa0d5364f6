namespace Portway.Adapters.Redis.Internal;

/// <summary>Every log event id of the Redis adapter, in one place (the 8xx range of the runtime's event ids).</summary>
internal static class RedisEventIds
{
    public const int Connecting = 800;
    public const int ConnectionFailed = 801;
    public const int ConnectionRestored = 802;
    public const int DedicatedConnectionOpened = 803;
    public const int TransportError = 810;
    public const int AnswerRejected = 811;
    public const int AnswerDropped = 812;
    public const int HopRejected = 820;
    public const int HopExpired = 821;
    public const int WorkerStarted = 822;
    public const int WorkerStopped = 823;
    public const int HopsClaimed = 824;
    public const int ConsumersRemoved = 825;
    public const int WorkerIdShared = 826;
    public const int ReplicaExited = 830;
    public const int ReplicaOutput = 831;
    public const int ReplicaNotStarted = 832;
    public const int PolicyStoreUnavailable = 840;
}
