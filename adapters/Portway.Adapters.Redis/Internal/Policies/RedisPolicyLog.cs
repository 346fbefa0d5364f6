using Microsoft.Extensions.Logging;

namespace Portway.Adapters.Redis.Internal.Policies;

/// <summary>The log events of the shared rate limits and response cache.</summary>
internal static partial class RedisPolicyLog
{
    [LoggerMessage(EventId = RedisEventIds.PolicyStoreUnavailable, Level = LogLevel.Warning, Message = "redis {Store}: unreachable ({Reason}); each host counts and caches on its own meanwhile")]
    public static partial void StoreUnavailable(ILogger logger, string store, string reason);
}
