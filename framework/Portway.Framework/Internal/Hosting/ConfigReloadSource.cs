using Portway.Configuration;

namespace Portway.Internal.Hosting;

/// <summary>Where a reload reads the config from, and the file to watch (null: nothing to watch).</summary>
internal sealed class ConfigReloadSource(Func<ConfigLoadResult> load, string? filePath, bool watch)
{
    public Func<ConfigLoadResult> Load { get; } = load;

    /// <summary>The config file's full path, when there is one.</summary>
    public string? FilePath { get; } = filePath is null ? null : Path.GetFullPath(filePath);

    /// <summary>Reload when the file changes and on SIGHUP.</summary>
    public bool Watch { get; } = watch;
}
