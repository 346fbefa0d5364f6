using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portway.Adapters.Redis.Internal;
using Portway.Adapters.Redis.Internal.Kv;
using Portway.Configuration;
using Portway.Kv;

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

    /// <summary>
    /// Adds the <c>redis</c> kv backend (the kv port, <see cref="IKvStore"/>) on the shared connection when
    /// <c>runtime.platform.kv.backend</c> is <c>redis</c>; with any other backend it adds nothing.
    /// </summary>
    public static IPortwayBuilder AddPortwayRedisKv(this IPortwayBuilder builder, PortwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(config);
        if (config.Runtime.Platform.Kv.Backend != "redis") return builder;
        builder.AddPortwayRedis();
        builder.Services.TryAddSingleton<RedisKvStore>();
        builder.Services.TryAddSingleton<IKvStore>(sp => sp.GetRequiredService<RedisKvStore>());
        return builder;
    }
}
