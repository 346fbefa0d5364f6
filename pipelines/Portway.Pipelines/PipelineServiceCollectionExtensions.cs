using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portway.Configuration;
using Portway.Egress;
using Portway.Kv;
using Portway.Observability;
using Portway.Pipelines.Batches;
using Portway.Pipelines.NodeDirectory;
using Portway.Pipelines.VoiceProfiles;

namespace Portway.Pipelines;

/// <summary>Registers what the example pipelines' nodes share: the node directory and the batch processor.</summary>
public static class PipelineServiceCollectionExtensions
{
    /// <summary>How often the node directory and the batches are snapshotted to the data directory on the memory kv backend.</summary>
    public static readonly TimeSpan SnapshotInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Adds the node directory (its entries on the kv port, <see cref="IKvStore"/>, when one is registered; its
    /// signing key and, on the memory kv backend, its snapshot under <c>DATA_DIR/directory/</c>) and the batch
    /// processor (its pool's size from the <c>batch.submit</c> stage's <c>with: { concurrency }</c>, each item run through the
    /// pipeline of its <c>with: { item_pipeline }</c> on the public <see cref="IPortwayInvoker"/>, finished batches
    /// delivered to the http egress of its <c>with: { egress, path }</c>; its batches on the kv port, and on the memory
    /// backend snapshotted under <c>DATA_DIR/batches/</c>, so that a restart keeps them and runs their waiting items; its metrics in <c>/stats</c> as <c>"batches"</c>
    /// and as gauges on the runtime's meter), and a hosted
    /// service that loads the directory and the batches at start, checks the batch settings (a bad one stops startup),
    /// stops the batch processor when the host begins stopping, and writes both out at stop. Needs <see cref="PortwayConfig"/> and <see cref="TimeProvider"/> (which
    /// <c>AddPortway</c> registers).
    /// </summary>
    public static IServiceCollection AddPortwayPipelines(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(static sp =>
        {
            var config = sp.GetRequiredService<PortwayConfig>();
            var time = sp.GetRequiredService<TimeProvider>();
            var folder = Path.Combine(DataDir(config), NodeDirectoryService.FolderName);
            var index = new MemoryDirectoryStore();
            var kv = sp.GetService<IKvStore>();
            var shared = kv is not null && config.Runtime.Platform.Kv.Backend != "memory";
            var persistence = kv is not null && !shared
                ? new DirectoryPersistence(kv, index, Path.Combine(folder, DirectoryPersistence.SnapshotFileName),
                    time, SnapshotInterval, sp.GetService<ILoggerFactory>()?.CreateLogger<DirectoryPersistence>() ?? NullLogger<DirectoryPersistence>.Instance)
                : null;
            IDirectoryStore store = shared
                ? new SharedDirectoryStore(kv!, index, time, sp.GetService<ILoggerFactory>()?.CreateLogger<SharedDirectoryStore>() ?? NullLogger<SharedDirectoryStore>.Instance)
                : persistence is null ? index : new PersistentDirectoryStore(index, persistence);
            var notifier = sp.GetService<IPortwayEgress>() is { } egress
                ? new DirectoryNotifier(egress, config, sp.GetService<ILoggerFactory>()?.CreateLogger<DirectoryNotifier>() ?? NullLogger<DirectoryNotifier>.Instance)
                : null;
            var retry = DirectoryRetryOptions.From(config);
            return new NodeDirectoryService(store, () => DirectoryKey.LoadOrCreate(folder), time)
            {
                Probe = retry.Enabled
                    ? new EndpointProbe(retry.Timeout, sp.GetService<ILoggerFactory>()?.CreateLogger<EndpointProbe>() ?? NullLogger<EndpointProbe>.Instance)
                    : null,
                RetryConcurrency = retry.Concurrency,
                Persistence = persistence,
                Notifier = notifier,
                ReplayGuard = new DirectoryReplayGuard(kv, time),
            };
        });
        services.TryAddSingleton(static sp =>
        {
            var time = sp.GetRequiredService<TimeProvider>();
            var config = sp.GetRequiredService<PortwayConfig>();
            var delivery = BatchOptions.Delivery(config) is { } to
                ? new BatchDelivery(sp.GetRequiredService<IPortwayEgress>(), to.Egress, to.Path,
                    sp.GetService<ILoggerFactory>()?.CreateLogger<BatchDelivery>() ?? NullLogger<BatchDelivery>.Instance)
                : null;
            // The invoker is resolved at the first item, not here: it needs the node catalog, which holds batch.submit.
            var invoker = new Lazy<IPortwayInvoker>(sp.GetRequiredService<IPortwayInvoker>);
            IBatchItemProcessor items = BatchOptions.ItemPipeline(config) is { } item
                ? new PipelineItemProcessor(() => invoker.Value, item.Pipeline, item.Timeout)
                : new TextFeaturesItemProcessor(time);
            var persistence = sp.GetService<IKvStore>() is { } kv
                ? new BatchPersistence(kv,
                    config.Runtime.Platform.Kv.Backend == "memory" ? Path.Combine(DataDir(config), BatchPersistence.FolderName, BatchPersistence.SnapshotFileName) : null,
                    time, SnapshotInterval, sp.GetService<ILoggerFactory>()?.CreateLogger<BatchPersistence>() ?? NullLogger<BatchPersistence>.Instance)
                : null;
            return new BatchProcessor(items, BatchOptions.Concurrency(config), time, delivery: delivery) { Persistence = persistence };
        });
        services.TryAddSingleton(static sp => new BatchMeters(sp.GetRequiredService<BatchProcessor>(), sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPortwayStatsSection, BatchStatsSection>());
        services.AddHostedService<PipelineHostedService>();
        return services;
    }

    private static string DataDir(PortwayConfig config) =>
        VoiceProfileStore.ResolveDataDir(Environment.GetEnvironmentVariable(VoiceProfileStore.DataDirVariable), config.Runtime.Platform.DataDir);
}
