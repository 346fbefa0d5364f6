namespace Portway.Configuration;

/// <summary>
/// The routes of the built-in dashboard (<c>runtime.web.dashboard</c>) below its path: the page's script and style,
/// its JSON snapshot and its server-sent events. The config validator claims them all; the http adapter serves them.
/// </summary>
public static class DashboardRoutes
{
    /// <summary>The page's script.</summary>
    public const string Script = "dashboard.js";

    /// <summary>The page's style sheet.</summary>
    public const string Style = "dashboard.css";

    /// <summary>The JSON snapshot: the pipelines' DAGs with their stage placement, the endpoints, and the live figures.</summary>
    public const string Snapshot = "snapshot";

    /// <summary>The live feed: a <c>text/event-stream</c> of the live figures, one event a second.</summary>
    public const string Events = "events";

    /// <summary>Every route below the dashboard's path.</summary>
    public static IReadOnlyList<string> SubPaths { get; } = [Script, Style, Snapshot, Events];

    /// <summary><paramref name="path"/>/<paramref name="sub"/> with one slash between them (<c>/</c> gives <c>/sub</c>).</summary>
    public static string Combine(string path, string sub)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.TrimEnd('/') + "/" + sub;
    }
}
