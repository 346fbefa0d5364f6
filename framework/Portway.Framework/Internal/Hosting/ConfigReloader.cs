using Microsoft.Extensions.Logging;
using Portway.Configuration;
using Portway.Internal.Routing;

namespace Portway.Internal.Hosting;

/// <summary>Applies a reloaded config: all or nothing, one reload at a time.</summary>
internal sealed partial class ConfigReloader(RoutingTable routes, TimeProvider time, ILogger<ConfigReloader> logger, ConfigReloadSource? source = null)
    : IPortwayConfigReloader
{
    private readonly Lock _lock = new();
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

            try
            {
                routes.Replace(config);
            }
            catch (InvalidOperationException ex)
            {
                return Refuse([new ConfigProblem(config.Source, 1, 1, ex.Message)]);
            }

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
