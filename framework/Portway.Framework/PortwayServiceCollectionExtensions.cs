using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portway.Configuration;
using Portway.Internal;
using Portway.Internal.Correlation;
using Portway.Internal.Hosting;
using Portway.Internal.Kv;
using Portway.Internal.Lifecycle;
using Portway.Internal.Observability;
using Portway.Internal.Readiness;
using Portway.Internal.Routing;
using Portway.Internal.Security;
using Portway.Internal.Supervision;
using Portway.Internal.Transport.TcpLocal;
using Portway.Kv;
using Portway.Nodes;
using Portway.Observability;
using Portway.Transport;

namespace Portway;

/// <summary>Registers the Portway runtime core: config, nodes, router, waiters, observability.</summary>
public static partial class PortwayServiceCollectionExtensions
{
    /// <summary>Adds the runtime for a loaded, validated <paramref name="config"/>, with the built-in <c>sys.*</c> nodes.</summary>
    public static IPortwayBuilder AddPortway(this IServiceCollection services, PortwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(config);
        services.TryAddSingleton(config);
        return AddRuntime(services, config);
    }

    /// <summary>
    /// The runtime's services. The config is resolved from DI (<see cref="PortwayConfig"/>); <paramref name="shape"/> is
    /// the same config (or one loaded before the node catalog was complete) and only decides which process-boundary
    /// services exist.
    /// </summary>
    private static IPortwayBuilder AddRuntime(IServiceCollection services, PortwayConfig shape)
    {
        var config = shape;
        services.AddHostedService<PortwayStartupCheck>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITokenIssuer, Internal.NoTokenIssuer>();
        services.TryAddSingleton(_ => config.Runtime.Platform.ExecutionIpc.Transport == "redis"
            ? IpcSecret.FromShared(config.Runtime.Platform.ExecutionIpc.Auth, Environment.GetEnvironmentVariable(IpcSecret.EnvironmentVariable))
            : IpcSecret.CreateRandom());
        services.TryAddSingleton(sp =>
        {
            var ipc = config.Runtime.Platform.ExecutionIpc;
            var signer = new EnvelopeSigner(sp.GetRequiredService<IpcSecret>().Key, sp.GetRequiredService<TimeProvider>(), TimeSpan.FromSeconds(ipc.Auth.TtlSeconds), ipc.Auth.NonceCacheSize);
            return new EnvelopeWire(signer, ipc.MaxPayloadBytes);
        });
        foreach (var node in NodeDiscovery.BuiltIn)
        {
            services.AddSingleton(node);
        }

        if (config.Runtime.Platform.Kv.Backend == "memory")
        {
            services.TryAddSingleton<IKvStore>(sp => new MemoryKvStore(sp.GetRequiredService<TimeProvider>()));
        }

        services.TryAddSingleton(sp => new WaiterRegistry(sp.GetRequiredService<TimeProvider>(), "i" + EnvelopeIds.NewId()[..12]));
        services.TryAddSingleton(sp => new PortwayTracer(sp.GetRequiredService<WaiterRegistry>().InstanceId));
        services.TryAddSingleton(sp => new NodeCatalog(sp, sp.GetServices<NodeRegistration>()));
        services.TryAddSingleton<StageExecutor>();
        services.TryAddSingleton<IStageRunner>(sp => sp.GetRequiredService<StageExecutor>());
        services.TryAddSingleton(sp =>
        {
            var auth = sp.GetRequiredService<PortwayConfig>().Runtime.Platform.ExecutionIpc.Auth;
            var signer = auth.Mode == "hmac" && auth.SignInProcess
                ? new EnvelopeSigner(sp.GetRequiredService<IpcSecret>().Key, sp.GetRequiredService<TimeProvider>(), TimeSpan.FromSeconds(auth.TtlSeconds), auth.NonceCacheSize)
                : null;
            return new MemoryStageTransport(sp.GetRequiredService<StageExecutor>(), signer, sp.GetRequiredService<ILogger<MemoryStageTransport>>());
        });
        services.TryAddSingleton(sp =>
        {
            var transports = new StageTransports(sp.GetRequiredService<MemoryStageTransport>());
            if (sp.GetService<WorkerPool>() is { } pool)
            {
                foreach (var group in ChildProcessGroups(sp.GetRequiredService<PortwayConfig>())) transports.Register(group.Name, new TcpStageTransport(group.Name, pool));
            }
            else if (StageTransportFactory(sp, config) is { } factory)
            {
                // A driven adapter (redis) provides the transport: one per group, told who this instance is.
                var instance = sp.GetRequiredService<WaiterRegistry>().InstanceId;
                var wire = sp.GetRequiredService<EnvelopeWire>();
                foreach (var group in ChildProcessGroups(config)) transports.Register(group.Name, factory.Create(new StageTransportContext(config, group, instance, wire)));
            }

            return transports;
        });
        services.TryAddSingleton<RoutingTable>();
        services.TryAddSingleton<PipelineRouter>();
        services.TryAddSingleton<ReplyRouter>();
        services.TryAddSingleton<RequestDispatcher>();
        services.TryAddSingleton<StreamDispatcher>();
        services.TryAddSingleton<PortwayTelemetry>();
        services.TryAddSingleton<PortwayGauges>();
        services.TryAddSingleton<IpcRefusals>();
        services.TryAddSingleton<RuntimeStats>();
        services.TryAddSingleton<PortwayInvoker>();
        services.TryAddSingleton<IPortwayInvoker>(sp => sp.GetRequiredService<PortwayInvoker>());
        services.TryAddSingleton<IPortwayStatus, PortwayStatus>();
        services.TryAddSingleton<IBoundaryEventPublisher>(sp => sp.GetRequiredService<PortwayTelemetry>());
        services.TryAddSingleton(sp => new PortwayStats(config, sp.GetRequiredService<RuntimeStats>(), sp.GetRequiredService<DrainCoordinator>(),
            sp.GetService<WorkerSupervisor>(), sp.GetService<WorkerPool>(), sp.GetServices<IPortwayStatsSection>(), sp.GetService<ConfigReloader>(),
            sp.GetServices<IProcessGroupStatus>()));
        services.TryAddSingleton<Egress.IPortwayEgress, Internal.Egress.NoEgress>();
        services.TryAddSingleton(sp => new PortwayReadiness(sp.GetServices<IReadinessCheck>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IReadinessCheck, DrainReadinessCheck>());
        if (config.Runtime.Platform.ExecutionIpc.Transport == "tcp_local" && ChildProcessGroups(config).Any())
        {
            // Registered before the drain coordinator: hosted services stop in reverse order, so the host
            // drains first, then the supervisor stops the children, then the listener closes.
            services.TryAddSingleton<WorkerPool>();
            services.TryAddSingleton(new RestartPolicy());
            services.TryAddSingleton(_ => WorkerExecutable.ThisProcess());
            services.TryAddSingleton<TcpLocalListener>();
            services.TryAddSingleton<WorkerSupervisor>();
            services.AddHostedService(sp => sp.GetRequiredService<TcpLocalListener>());
            services.AddHostedService(sp => sp.GetRequiredService<WorkerSupervisor>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IReadinessCheck, WorkerReadinessCheck>());
        }

        services.TryAddSingleton<ConfigReloader>();
        services.TryAddSingleton<IPortwayConfigReloader>(sp => sp.GetRequiredService<ConfigReloader>());
        services.AddHostedService<ConfigWatcher>();
        services.TryAddSingleton<DrainCoordinator>();
        services.AddHostedService(sp => sp.GetRequiredService<DrainCoordinator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IBoundaryEventSink, RuntimeStats>(sp => sp.GetRequiredService<RuntimeStats>()));
        return new PortwayBuilder(services);
    }

    /// <summary>The registered <see cref="IStageTransportFactory"/> for <c>execution_ipc.transport</c>, or null.</summary>
    internal static IStageTransportFactory? StageTransportFactory(IServiceProvider services, PortwayConfig config) =>
        services.GetServices<IStageTransportFactory>().LastOrDefault(f => f.Transport == config.Runtime.Platform.ExecutionIpc.Transport);

    /// <summary>The non-web process groups that run stages: each is served by supervised child processes.</summary>
    internal static IEnumerable<ProcessGroupConfig> ChildProcessGroups(PortwayConfig config) =>
        config.Runtime.Platform.ProcessGroups.Where(g => g.Name != ProcessGroupConfig.WebGroup && g.Stages.Count > 0);

    /// <summary>Registers every <see cref="PortwayNodeAttribute"/> node of <paramref name="assembly"/>.</summary>
    public static IPortwayBuilder AddNodesFrom(this IPortwayBuilder builder, Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var node in NodeDiscovery.FromAssembly(assembly))
        {
            builder.Services.AddSingleton(node);
        }

        return builder;
    }

    /// <summary>Registers one stream node class under <paramref name="name"/> (DI registration, no attribute needed).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The name YAML uses.</param>
    /// <param name="lifetime">Defaults to <see cref="ServiceLifetime.Scoped"/>: one instance per invocation, in its own scope.</param>
    public static IPortwayBuilder AddStreamNode<TNode>(this IPortwayBuilder builder, string name, ServiceLifetime lifetime = ServiceLifetime.Scoped) where TNode : class, IStreamNode
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(new NodeRegistration(name, typeof(TNode), lifetime));
        return builder;
    }

    /// <summary>Registers one node class under <paramref name="name"/> (DI registration, no attribute needed).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The name YAML uses.</param>
    /// <param name="lifetime">Defaults to <see cref="ServiceLifetime.Scoped"/>: one instance per invocation, in its own scope.</param>
    public static IPortwayBuilder AddNode<TNode>(this IPortwayBuilder builder, string name, ServiceLifetime lifetime = ServiceLifetime.Scoped) where TNode : class, INode
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(new NodeRegistration(name, typeof(TNode), lifetime));
        return builder;
    }

    /// <summary>Registers one node class (request/response or stream) under the name and lifetime of its <see cref="PortwayNodeAttribute"/>.</summary>
    /// <exception cref="ArgumentException"><typeparamref name="TNode"/> has no <see cref="PortwayNodeAttribute"/>.</exception>
    public static IPortwayBuilder AddNode<TNode>(this IPortwayBuilder builder) where TNode : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        var type = typeof(TNode);
        var attribute = type.GetCustomAttribute<PortwayNodeAttribute>()
            ?? throw new ArgumentException($"{type} has no [PortwayNode(\"name\")] attribute: name it there, or call AddNode<{type.Name}>(\"name\")", nameof(TNode));
        if (!typeof(INode).IsAssignableFrom(type) && !typeof(IStreamNode).IsAssignableFrom(type))
        {
            throw new ArgumentException($"{type} implements neither INode nor IStreamNode", nameof(TNode));
        }

        builder.Services.AddSingleton(new NodeRegistration(attribute.Name, type, attribute.Lifetime));
        return builder;
    }
}
