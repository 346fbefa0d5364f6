using Microsoft.Extensions.Logging;
using Portway.Configuration;
using Portway.Internal.Routing;
using Portway.Internal.Supervision;
using Portway.Internal.Transport.TcpLocal;

namespace Portway.Internal.Hosting;

/// <summary>
/// Applies a reloaded config: all or nothing, one reload at a time. Pipelines swap at once; the workers of a process group
/// the reload changed are rolled first (<see cref="WorkerSupervisor.RollAsync"/>), and the routes switch with them; a
/// change only a restart applies (interfaces, endpoints, transport, kv, the set of groups) is refused, naming it.
/// </summary>
internal sealed partial class ConfigReloader(RoutingTable routes, TimeProvider time, ILogger<ConfigReloader> logger, ConfigReloadSource? source = null,
    PortwayConfig? startup = null, WorkerSupervisor? supervisor = null, WorkerPool? pool = null, TcpLocalListener? listener = null)
    : IPortwayConfigReloader
{
    private readonly Lock _lock = new();
    private PortwayConfig? _current = startup;
    private long _version = 1;
    private DateTimeOffset _loadedAt = time.GetUtcNow();

    public long Version => Interlocked.Read(ref _version);

    public DateTimeOffset LoadedAt
    {
        get
        {
            lock (_lock) return _loadedAt;
        }
    }

    public PortwayConfig Current => Volatile.Read(ref _current) ?? throw new InvalidOperationException("the runtime was started without a config");

    /// <summary>The config serving now, or null when none was given.</summary>
    internal PortwayConfig? CurrentOrNull => Volatile.Read(ref _current);

    public PortwayReloadResult Reload()
    {
        lock (_lock)
        {
            if (source is null)
            {
                return Refuse([new ConfigProblem("config", 1, 1, "this runtime was given a config object, not a file or text it can read again")]);
            }

            ConfigLoadResult loaded;
            try
            {
                loaded = source.Load();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PortwayConfigException)
            {
                return Refuse([new ConfigProblem(source.FilePath ?? "config", 1, 1, "cannot read the config: " + ex.Message)]);
            }

            if (loaded.Config is not { } config)
            {
                return Refuse(loaded.Problems);
            }

            Action switchRoutes;
            try
            {
                switchRoutes = routes.Prepare(config);
            }
            catch (InvalidOperationException ex)
            {
                return Refuse([new ConfigProblem(config.Source, 1, 1, ex.Message)]);
            }

            if (_current is { } current)
            {
                var restart = ReloadScope.RestartNeeded(current, config);
                if (restart.Count > 0)
                {
                    return Refuse([.. restart.Select(what => new ConfigProblem(config.Source, 1, 1,
                        $"{what} changed: that needs a restart (a reload applies pipelines and the stages, nodes and replicas of process groups)"))]);
                }

                var groups = ReloadScope.ChangedGroups(current, config);
                if (groups.Count > 0 && (supervisor is null || pool is null))
                {
                    // Workers elsewhere (redis: other machines) run the config they started with.
                    return Refuse([new ConfigProblem(config.Source, 1, 1,
                        $"process group(s) {string.Join(", ", groups)} changed, but their workers are not this host's children ({current.Runtime.Platform.ExecutionIpc.Transport}): restart them with the new config")]);
                }

                if (groups.Count > 0)
                {
                    if (listener is not null) listener.ProcessGroups = [.. config.Runtime.Platform.ProcessGroups];
                    var failed = supervisor!.RollAsync(config, groups, pool!, switchRoutes,
                        TimeSpan.FromMilliseconds(current.Runtime.Web.DrainTimeoutMs)).GetAwaiter().GetResult();
                    if (failed is not null)
                    {
                        if (listener is not null) listener.ProcessGroups = [.. current.Runtime.Platform.ProcessGroups];
                        return Refuse([new ConfigProblem(config.Source, 1, 1, failed)]);
                    }

                    switchRoutes = static () => { };
                }
            }

            switchRoutes();
            Volatile.Write(ref _current, config);

            _loadedAt = time.GetUtcNow();
            var version = Interlocked.Increment(ref _version);
            LogReloaded(logger, config.Source, version);
            return new PortwayReloadResult(true, version, []);
        }
    }

    private PortwayReloadResult Refuse(IReadOnlyList<ConfigProblem> problems)
    {
        foreach (var problem in problems)
        {
            LogProblem(logger, problem.ToString());
        }

        LogKept(logger, problems.Count, _version);
        return new PortwayReloadResult(false, _version, problems);
    }

    [LoggerMessage(EventId = EventIds.ConfigReloaded, Level = LogLevel.Information, Message = "Config {Source} reloaded: version {Version} serves new requests")]
    private static partial void LogReloaded(ILogger logger, string source, long version);

    [LoggerMessage(EventId = EventIds.ConfigReloadProblem, Level = LogLevel.Warning, Message = "Config reload: {Problem}")]
    private static partial void LogProblem(ILogger logger, string problem);

    [LoggerMessage(EventId = EventIds.ConfigReloadRefused, Level = LogLevel.Warning, Message = "Config reload refused ({Count} problem(s)): version {Version}, the last good config, keeps serving")]
    private static partial void LogKept(ILogger logger, int count, long version);
}
