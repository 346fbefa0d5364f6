using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Portway.Adapters.Redis.Internal.Policies;

/// <summary>
/// Opens the shared connection when the host starts, so the first requests find the shared rate limits and cache up
/// (until the connection is made they count and cache on this host). A Redis that is down does not hold the start
/// back: the connection keeps trying in the background.
/// </summary>
internal sealed class RedisPolicyStoreStarter(RedisConnection connection, ILogger<RedisPolicyStoreStarter> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            RedisPolicyLog.StoreUnavailable(logger, "rate limits and response cache", ex.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
