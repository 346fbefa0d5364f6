using Microsoft.Extensions.Logging;

namespace Portway.Adapters.Http.Internal.Policies;

/// <summary>The boundary policies' log events (ids 16xx).</summary>
internal static partial class PolicyLog
{
    [LoggerMessage(EventId = 1601, Level = LogLevel.Warning, Message = "rate limit {Key}: the shared store failed ({Reason}); counted on this host meanwhile")]
    public static partial void SharedLimitFailed(ILogger logger, string key, string reason);
}
