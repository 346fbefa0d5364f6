using Portway.Configuration;
using Portway.Observability;

namespace Portway.Adapters.Redis.Internal;

/// <summary>
/// <c>/ready</c> with Redis behind the config (<c>execution_ipc.transport: redis</c> or <c>kv.backend: redis</c>): not
/// ready while the shared connection is down (requests to Redis-backed stages and the kv would answer
/// <c>unavailable</c>), naming the connection (password redacted). A connection not made yet is started here, so
/// <c>/ready</c> turns ready without waiting for the first request. With no Redis in the config it is always ready.
/// </summary>
internal sealed class RedisReadinessCheck(PortwayConfig config, RedisConnection connection) : IReadinessCheck
{
    private readonly bool _used = config.Runtime.Platform.ExecutionIpc.Transport == "redis" || config.Runtime.Platform.Kv.Backend == "redis";

    public ValueTask<string?> CheckAsync(CancellationToken cancellationToken)
    {
        if (!_used || connection.IsConnected) return ValueTask.FromResult<string?>(null);
        if (!connection.IsStarted)
        {
            try
            {
                _ = connection.ConnectAsync(CancellationToken.None).ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
            catch (ObjectDisposedException)
            {
            }
        }

        return ValueTask.FromResult<string?>($"redis unreachable ({connection.Description})");
    }
}
