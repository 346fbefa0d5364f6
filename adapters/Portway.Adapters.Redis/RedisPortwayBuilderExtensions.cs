using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portway.Adapters.Redis.Internal;
using Portway.Adapters.Redis.Internal.Kv;
using Portway.Adapters.Redis.Internal.Policies;
using Portway.Configuration;
using Portway.Kv;
using Portway.Observability;
using Portway.Policies;
using Portway.Transport;

namespace Portway.Adapters.Redis;

/// <summary>Registers the Redis adapter: the shared connection, the redis transport, and Redis workers.</summary>
public static class RedisPortwayBuilderExtensions
{
    /// <summary>
    /// Adds the one shared Redis connection of the process, configured by <c>runtime.platform.redis</c>
    /// (<c>connection</c>, <c>key_prefix</c>; the <c>PORTWAY_REDIS</c> environment variable wins over
    /// <c>connection</c>), and the transport of process groups when <c>execution_ipc.transport</c> is <c>redis</c>
    /// (with <c>serve</c>'s local worker replicas), and <c>/ready</c>'s check of the connection (not ready while Redis is
    /// unreachable, when the config uses Redis). Safe to call more than once: everything is registered once.
    /// </summary>
    public static IPortwayBuilder AddPortwayRedis(this IPortwayBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton<RedisConnection>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IReadinessCheck, RedisReadinessCheck>());
        services.TryAddSingleton<RedisReplyHub>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStageTransportFactory, RedisStageTransportFactory>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProcessGroupStatus, RedisProcessGroupStatus>());
        if (!services.Any(d => d.ServiceType == typeof(RedisWorkerSupervisor)))
        {
            services.AddSingleton<RedisWorkerSupervisor>();
            services.AddHostedService(sp => sp.GetRequiredService<RedisWorkerSupervisor>());
        }

        return builder;
    }

    /// <summary>
    /// Adds a worker of process group <paramref name="group"/> over Redis (a hosted service): it reads the group's hop
    /// stream and runs its stages with this process's nodes. <paramref name="workerId"/> names it in the consumer
    /// group (unique per process); <paramref name="concurrency"/> is how many hops it runs at a time.
    /// </summary>
    public static IPortwayBuilder AddPortwayRedisWorker(this IPortwayBuilder builder, string group, string workerId, int concurrency = 64)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        builder.Services.TryAddSingleton<RedisConnection>();
        builder.Services.AddSingleton(sp => new RedisStageWorker(group, workerId, concurrency, sp.GetRequiredService<RedisConnection>(),
            sp.GetRequiredService<PortwayConfig>(), sp.GetRequiredService<IStageRunner>(), sp.GetRequiredService<EnvelopeWire>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RedisStageWorker>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RedisStageWorker>());
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
        builder.Services.TryAddSingleton<RedisConnection>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IReadinessCheck, RedisReadinessCheck>());
        builder.Services.TryAddSingleton<RedisKvStore>();
        builder.Services.TryAddSingleton<IKvStore>(sp => sp.GetRequiredService<RedisKvStore>());
        return builder;
    }

    /// <summary>
    /// Adds the shared boundary-policy stores on the shared connection when <c>runtime.web.policy_store</c> is
    /// <c>redis</c>: the rate limits (<see cref="IRateLimitStore"/>: fixed, sliding, token bucket; every host counts
    /// in the same Redis keys) and the response cache (<see cref="IResponseCacheStore"/>). Otherwise it adds nothing.
    /// </summary>
    public static IPortwayBuilder AddPortwayRedisPolicies(this IPortwayBuilder builder, PortwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(config);
        if (config.Runtime.Web.PolicyStore != "redis") return builder;
        builder.Services.TryAddSingleton<RedisConnection>();
        builder.Services.TryAddSingleton<IRateLimitStore, RedisRateLimitStore>();
        builder.Services.TryAddSingleton<IResponseCacheStore, RedisResponseCacheStore>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RedisPolicyStoreStarter>());
        return builder;
    }
}
