using Portway.Internal.Configuration;

namespace Portway.Configuration;

/// <summary>
/// Turns Portway YAML into a validated, normalized <see cref="PortwayConfig"/>, reporting every problem at once
/// with its line and column. Pure: it reads no environment variable (the host applies <c>PORTWAY_DATA_DIR</c>).
/// </summary>
public static class PortwayConfigLoader
{
    /// <summary>Loads config from <paramref name="yamlText"/>.</summary>
    /// <param name="yamlText">The YAML text.</param>
    /// <param name="sourceName">The name problems are reported under (a path or <c>embedded:runtime.yaml</c>).</param>
    /// <param name="knownNodes">The node names stages may use (built-in and discovered).</param>
    public static ConfigLoadResult Load(string yamlText, string sourceName, IReadOnlyCollection<string> knownNodes)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(knownNodes);

        var diagnostics = new ConfigDiagnostics(sourceName);
        var root = YamlDocumentReader.Read(yamlText, diagnostics);
        if (root is null)
        {
            return new ConfigLoadResult(null, diagnostics.Sorted());
        }

        var sourceMap = new SourceMap();
        var config = new ConfigBinder(diagnostics, sourceMap).Bind(root);
        config.Source = sourceName;
        config.Text = yamlText;
        new ConfigValidator(diagnostics, sourceMap, knownNodes).Validate(config);
        if (diagnostics.HasProblems)
        {
            return new ConfigLoadResult(null, diagnostics.Sorted());
        }

        ConfigNormalizer.Normalize(config, sourceMap);
        return new ConfigLoadResult(config, []);
    }

    /// <summary>Loads config from the file at <paramref name="path"/>; problems are reported under the path as given.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static ConfigLoadResult LoadFile(string path, IReadOnlyCollection<string> knownNodes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Load(File.ReadAllText(path), path, knownNodes);
    }
}
