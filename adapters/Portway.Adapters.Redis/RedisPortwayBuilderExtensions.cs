using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portway.Adapters.Redis.Internal;

namespace Portway.Adapters.Redis;

/// <summary>Registers the Redis adapter's shared connection (and, as they are configured, the parts built on it).</summary>
public static class RedisPortwayBuilderExtensions
{
    /// <summary>
    /// Adds the one shared Redis connection of the process, configured by <c>runtime.platform.redis</c>
    /// (<c>connection</c>, <c>key_prefix</c>; the <c>PORTWAY_REDIS</c> environment variable wins over
    /// <c>connection</c>). Safe to call more than once: the connection is registered once.
    /// </summary>
    public static IPortwayBuilder AddPortwayRedis(this IPortwayBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<RedisConnection>();
        return builder;
    }
}
