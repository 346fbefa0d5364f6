using Portway.Configuration;

namespace Portway.Host;

/// <summary>
/// Where <c>serve</c> gets its config: <c>--config FILE</c>; else <c>config/runtime.yaml</c> in the working
/// folder; else the copy embedded in the executable. <c>PORTWAY_DATA_DIR</c> overrides <c>data_dir</c>.
/// </summary>
internal static class ConfigSource
{
    public const string DefaultPath = "config/runtime.yaml";
    public const string EmbeddedName = "embedded:config/runtime.yaml";

    public static ConfigLoadResult Load(string? path)
    {
        ConfigLoadResult result;
        if (path is not null || File.Exists(DefaultPath))
        {
            result = PortwayConfigLoader.LoadFile(path ?? DefaultPath, KnownNodes.All);
        }
        else
        {
            result = PortwayConfigLoader.Load(ReadEmbedded(), EmbeddedName, KnownNodes.All);
        }

        if (result.Config is { } config && Environment.GetEnvironmentVariable("PORTWAY_DATA_DIR") is { Length: > 0 } dataDir)
        {
            config.Runtime.Platform.DataDir = dataDir;
        }

        return result;
    }

    /// <summary>Which file <see cref="Load"/> reads for <paramref name="path"/>, as the log says it: a full path or the embedded copy.</summary>
    public static string Describe(string? path) =>
        path is not null || File.Exists(DefaultPath)
            ? Path.GetFullPath(path ?? DefaultPath)
            : $"{EmbeddedName} (no {DefaultPath} in the working folder)";

    public static string ReadEmbedded()
    {
        using var stream = typeof(ConfigSource).Assembly.GetManifestResourceStream("Portway.Host.runtime.yaml")
            ?? throw new InvalidOperationException("the embedded default config is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
