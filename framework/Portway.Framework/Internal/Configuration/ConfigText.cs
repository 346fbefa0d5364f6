using Portway.Configuration;

namespace Portway.Internal.Configuration;

/// <summary>
/// The YAML an embedded runtime was given (<see cref="PortwayOptions"/>): its text, the name problems are reported
/// under, and, for a file, its full path (what a reload reads again).
/// </summary>
internal sealed class ConfigText
{
    private readonly ConfigurationYaml? _fromConfiguration;

    private ConfigText(string text, string sourceName, string? filePath, ConfigurationYaml? fromConfiguration)
    {
        Text = text;
        SourceName = sourceName;
        FilePath = filePath;
        _fromConfiguration = fromConfiguration;
    }

    public string Text { get; }

    public string SourceName { get; }

    /// <summary>The file's full path when the YAML came from a file.</summary>
    public string? FilePath { get; }

    /// <summary>Reads what <paramref name="options"/> names; exactly one source must be set.</summary>
    public static ConfigText Read(PortwayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var set = (options.ConfigFile is not null ? 1 : 0) + (options.Yaml is not null ? 1 : 0) + (options.Configuration is not null ? 1 : 0);
        if (set != 1)
        {
            throw new PortwayConfigException(
                $"AddPortway: set exactly one of ConfigFile, Yaml and Configuration (got {set})");
        }

        if (options.Yaml is { } yaml)
        {
            return new ConfigText(yaml, options.SourceName, null, null);
        }

        if (options.Configuration is { } section)
        {
            var generated = ConfigurationYaml.From(section);
            return new ConfigText(generated.Text, generated.SourceName, null, generated);
        }

        var path = Path.GetFullPath(options.ConfigFile!, options.BaseDirectory ?? Directory.GetCurrentDirectory());
        if (!File.Exists(path))
        {
            throw new PortwayConfigException($"AddPortway: config file '{options.ConfigFile}' not found (looked at {path})");
        }

        return new ConfigText(File.ReadAllText(path), options.ConfigFile!, path, null);
    }

    /// <summary>The same source read again (a reload): a file is read anew, anything else is returned as is.</summary>
    public ConfigText Reread() =>
        FilePath is null ? this : new ConfigText(File.ReadAllText(FilePath), SourceName, FilePath, null);

    /// <summary>Loads it; null <paramref name="knownNodes"/> skips the node-name check (the catalog is not complete yet).</summary>
    public ConfigLoadResult Load(IReadOnlyCollection<string>? knownNodes, IReadOnlyCollection<string> streamNodes, IReadOnlyCollection<string> kvStreamNodes)
    {
        var result = PortwayConfigLoader.LoadCore(Text, SourceName, knownNodes, streamNodes, kvStreamNodes);
        if (result.Problems.Count > 0 && _fromConfiguration is { } generated)
        {
            return new ConfigLoadResult(null, result.Problems.Select(generated.Restate).ToArray());
        }

        return result;
    }

    /// <summary>Loads it or throws every problem.</summary>
    public PortwayConfig LoadOrThrow(IReadOnlyCollection<string>? knownNodes, IReadOnlyCollection<string> streamNodes, IReadOnlyCollection<string> kvStreamNodes)
    {
        var result = Load(knownNodes, streamNodes, kvStreamNodes);
        return result.Config ?? throw new PortwayConfigException(result.Problems);
    }
}
