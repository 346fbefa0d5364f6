namespace Portway.Adapters.Redis.Internal;

/// <summary>Every log event id of the Redis adapter, in one place (the 8xx range of the runtime's event ids).</summary>
internal static class RedisEventIds
{
    public const int Connecting = 800;
    public const int ConnectionFailed = 801;
    public const int ConnectionRestored = 802;
    public const int DedicatedConnectionOpened = 803;
}
