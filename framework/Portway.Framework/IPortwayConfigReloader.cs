using Portway.Configuration;

namespace Portway;

/// <summary>
/// Reloads the config while serving (<c>portway serve</c> does on a change of its file and on SIGHUP; an app of your own
/// with <see cref="PortwayOptions.ReloadOnChange"/>, or by calling <see cref="Reload"/>). A valid file replaces the
/// pipelines (stages, nodes, <c>with</c>, the DAG) at once; a request in flight finishes on the version it started with.
/// An invalid file changes nothing: its problems are returned and logged (FILE:LINE:COL) and the last good config keeps
/// serving. The workers of a process group the reload changed (tcp_local) are rolled first, and switched to with the
/// new routes at once. Endpoints, interfaces, the transport, kv and the set of process groups are read at startup: a
/// reload that changes them is refused ("needs a restart").
/// </summary>
public interface IPortwayConfigReloader
{
    /// <summary>The version serving now: 1 at startup, one more per applied reload.</summary>
    long Version { get; }

    /// <summary>When the serving version was loaded.</summary>
    DateTimeOffset LoadedAt { get; }

    /// <summary>The config serving now (the startup config until a reload applies).</summary>
    PortwayConfig Current { get; }

    /// <summary>Reads the config again and applies it if valid.</summary>
    PortwayReloadResult Reload();
}
