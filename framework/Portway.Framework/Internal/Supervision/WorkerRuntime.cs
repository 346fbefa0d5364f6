using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Portway.Configuration;
using Portway.Internal.Routing;
using Portway.Internal.Security;
using Portway.Internal.Transport.TcpLocal;
using Portway.Nodes;

namespace Portway.Internal.Supervision;

/// <summary>
/// What <c>portway worker --group NAME</c> runs: read the bootstrap line from stdin, check that every stage of
/// the group has its node here, connect back to the host and serve until stdin closes (the host stopped or
/// died: no orphan) or the link breaks (the supervisor starts a new worker).
/// </summary>
internal static partial class WorkerRuntime
{
    /// <summary>Stdin closed: the host asked this worker to stop, or the host is gone.</summary>
    public const int ExitStopped = 0;

    /// <summary>Bad command line or bootstrap.</summary>
    public const int ExitBadBootstrap = 2;

    /// <summary>The link to the host broke.</summary>
    public const int ExitLinkLost = 3;

    /// <summary>A stage of the group has no node in this process, or the host could not be reached.</summary>
    public const int ExitNotReady = 4;

    /// <summary>Reads the one bootstrap line; null (with <paramref name="error"/>) when stdin closed first or the line is not a bootstrap.</summary>
    public static async Task<WorkerBootstrap?> ReadBootstrapAsync(TextReader stdin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stdin);
        var line = await stdin.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(line))
        {
            return null;
        }

        WorkerBootstrap? bootstrap;
        try
        {
            bootstrap = JsonSerializer.Deserialize<WorkerBootstrap>(line);
        }
        catch (JsonException)
        {
            return null;
        }

        return bootstrap is { Group.Length: > 0, WorkerId.Length: > 0, Host.Length: > 0, Port: > 0 and <= 65535, ConfigText.Length: > 0 }
            && bootstrap.ConfigSource is not null && bootstrap.DataDir is not null
            && IsKey(bootstrap.SecretBase64) && IsAdmissionToken(bootstrap.AdmissionBase64)
            ? bootstrap
            : null;
    }

    private static bool IsAdmissionToken(string? base64)
    {
        Span<byte> token = stackalloc byte[WorkerAdmission.TokenLength + 3];
        return base64 is not null && Convert.TryFromBase64String(base64, token, out var length) && length == WorkerAdmission.TokenLength;
    }

    private static bool IsKey(string? base64)
    {
        Span<byte> key = stackalloc byte[256];
        return base64 is not null && Convert.TryFromBase64String(base64, key, out var length) && length >= 16;
    }

    /// <summary>The worker's services: config, the secret from the bootstrap, built-in nodes, node catalog, stage executor.</summary>
    public static IPortwayBuilder AddPortwayWorker(this IServiceCollection services, PortwayConfig config, WorkerBootstrap bootstrap)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(bootstrap);
        services.TryAddSingleton(config);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new IpcSecret(Convert.FromBase64String(bootstrap.SecretBase64)));
        foreach (var node in NodeDiscovery.BuiltIn)
        {
            services.AddSingleton(node);
        }

        if (config.Runtime.Platform.Kv.Backend == "memory")
        {
            // This process's own store: memory state is not shared between processes (kv.backend: redis is).
            services.TryAddSingleton<Portway.Kv.IKvStore>(sp => new Kv.MemoryKvStore(sp.GetRequiredService<TimeProvider>()));
        }

        services.TryAddSingleton(sp => new NodeCatalog(sp, sp.GetServices<NodeRegistration>()));
        services.TryAddSingleton<StageExecutor>();
        services.TryAddSingleton<Portway.Egress.IPortwayEgress, Egress.NoEgress>();
        services.TryAddSingleton(new Portway.Observability.PortwayTracer("w" + EnvelopeIds.NewId()[..12]));
        return new PortwayBuilder(services);
    }

    /// <summary>
    /// Serves the group's stages until <paramref name="stopping"/> fires (stdin closed) or the link breaks; returns the exit code.
    /// </summary>
    public static async Task<int> RunAsync(IServiceProvider services, WorkerBootstrap bootstrap, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(bootstrap);
        var config = services.GetRequiredService<PortwayConfig>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Portway.Worker");
        var group = config.Runtime.Platform.ProcessGroups.FirstOrDefault(g => g.Name == bootstrap.Group);
        if (group is null || group.Name == ProcessGroupConfig.WebGroup || group.Stages.Count == 0)
        {
            LogNotReady(logger, bootstrap.WorkerId, $"process group '{bootstrap.Group}' runs no stages in child processes");
            return ExitNotReady;
        }

        var catalog = services.GetRequiredService<NodeCatalog>();
        var missing = config.Pipelines.Values
            .SelectMany(p => p.Stages.Where(s => s.Group == group.Name).Select(s => (Name: $"{p.Name}.{s.Name}", s.Node)))
            .Where(s => !catalog.TryGet(s.Node, out _))
            .Select(s => $"{s.Name} (node {s.Node})")
            .ToArray();
        if (missing.Length > 0)
        {
            LogNotReady(logger, bootstrap.WorkerId, "no node here for " + string.Join(", ", missing));
            return ExitNotReady;
        }

        var ipc = config.Runtime.Platform.ExecutionIpc;
        var time = services.GetRequiredService<TimeProvider>();
        var signer = new EnvelopeSigner(services.GetRequiredService<IpcSecret>().Key, time, TimeSpan.FromSeconds(ipc.Auth.TtlSeconds), ipc.Auth.NonceCacheSize);
        var client = new WorkerClient(bootstrap, group.Stages, signer, services.GetRequiredService<StageExecutor>(), ipc.MaxPayloadBytes, time,
            services.GetRequiredService<Portway.Observability.PortwayTracer>(),
            services.GetRequiredService<ILogger<WorkerClient>>());
        Exception? reason;
        try
        {
            reason = await client.RunAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            reason = null;
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            LogNotReady(logger, bootstrap.WorkerId, "cannot reach the host: " + ex.Message);
            return ExitNotReady;
        }

        if (reason is null)
        {
            LogStopping(logger, bootstrap.WorkerId, "the host closed stdin");
            return ExitStopped;
        }

        LogStopping(logger, bootstrap.WorkerId, "the link to the host broke: " + reason.Message);
        return ExitLinkLost;
    }

    [LoggerMessage(EventId = EventIds.WorkerNotReady, Level = LogLevel.Error, Message = "Worker {Worker} is not ready: {Reason}")]
    private static partial void LogNotReady(ILogger logger, string worker, string reason);

    [LoggerMessage(EventId = EventIds.WorkerStopping, Level = LogLevel.Information, Message = "Worker {Worker} stopping: {Reason}")]
    private static partial void LogStopping(ILogger logger, string worker, string reason);
}
