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
    public static ConfigLoadResult Load(string yamlText, string sourceName, IReadOnlyCollection<string> knownNodes) =>
        Load(yamlText, sourceName, knownNodes, []);

    /// <summary>Loads config from <paramref name="yamlText"/>, also checking where stream nodes stand.</summary>
    /// <param name="yamlText">The YAML text.</param>
    /// <param name="sourceName">The name problems are reported under (a path or <c>embedded:runtime.yaml</c>).</param>
    /// <param name="knownNodes">The node names stages may use (built-in and discovered).</param>
    /// <param name="streamNodes">Which of <paramref name="knownNodes"/> are stream nodes: only a pipeline's sink may be one, in the web group.</param>
    public static ConfigLoadResult Load(string yamlText, string sourceName, IReadOnlyCollection<string> knownNodes, IReadOnlyCollection<string> streamNodes) =>
        Load(yamlText, sourceName, knownNodes, streamNodes, []);

    /// <summary>Loads config from <paramref name="yamlText"/>, also checking where stream and kv stream nodes stand and what each interface binds.</summary>
    /// <param name="yamlText">The YAML text.</param>
    /// <param name="sourceName">The name problems are reported under (a path or <c>embedded:runtime.yaml</c>).</param>
    /// <param name="knownNodes">The node names stages may use (built-in and discovered).</param>
    /// <param name="streamNodes">Which of <paramref name="knownNodes"/> are stream nodes: only a pipeline's sink may be one, in the web group.</param>
    /// <param name="kvStreamNodes">Which of them are kv stream nodes (<see cref="Kv.IKvStreamNode"/>): an interface serving one must bind <c>kv_stream</c>.</param>
    public static ConfigLoadResult Load(string yamlText, string sourceName, IReadOnlyCollection<string> knownNodes, IReadOnlyCollection<string> streamNodes, IReadOnlyCollection<string> kvStreamNodes)
    {
        ArgumentNullException.ThrowIfNull(knownNodes);
        ArgumentNullException.ThrowIfNull(streamNodes);
        return LoadCore(yamlText, sourceName, knownNodes, streamNodes, kvStreamNodes);
    }

    /// <summary>
    /// Loads config from <paramref name="yamlText"/> against a node catalog: the node names stages may use, which are
    /// stream and kv stream nodes, and what each node's stage settings must name (<see cref="Nodes.PortwayNodeAttribute.Egress"/>,
    /// <see cref="Nodes.PortwayNodeAttribute.WithPipelines"/>).
    /// </summary>
    /// <param name="yamlText">The YAML text.</param>
    /// <param name="sourceName">The name problems are reported under (a path or <c>embedded:runtime.yaml</c>).</param>
    /// <param name="catalog">The nodes (built-in and discovered).</param>
    public static ConfigLoadResult Load(string yamlText, string sourceName, IReadOnlyCollection<Nodes.NodeRegistration> catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return LoadCore(yamlText, sourceName, catalog.Select(r => r.Name).ToArray(),
            catalog.Where(r => typeof(Nodes.IStreamNode).IsAssignableFrom(r.NodeType)).Select(r => r.Name).ToArray(),
            catalog.Where(r => typeof(Kv.IKvStreamNode).IsAssignableFrom(r.NodeType)).Select(r => r.Name).ToArray(),
            catalog);
    }

    /// <summary>Loads config from the file at <paramref name="path"/> against a node catalog (see <see cref="Load(string, string, IReadOnlyCollection{Nodes.NodeRegistration})"/>).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">Not a regular file, larger than 1 MiB, or unreadable.</exception>
    public static ConfigLoadResult LoadFile(string path, IReadOnlyCollection<Nodes.NodeRegistration> catalog)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = ConfigFileReader.ReadBytes(path);
        var diagnostics = new ConfigDiagnostics(path);
        return ConfigFileReader.Decode(bytes, diagnostics) is { } text
            ? Load(text, path, catalog)
            : new ConfigLoadResult(null, diagnostics.Sorted());
    }

    /// <summary>Loads without checking node names (null <paramref name="knownNodes"/>): the shape, before the node catalog is complete.</summary>
    internal static ConfigLoadResult LoadCore(string yamlText, string sourceName, IReadOnlyCollection<string>? knownNodes, IReadOnlyCollection<string> streamNodes, IReadOnlyCollection<string> kvStreamNodes, IReadOnlyCollection<Nodes.NodeRegistration>? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(kvStreamNodes);

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
        new ConfigValidator(diagnostics, sourceMap, knownNodes, streamNodes, kvStreamNodes, catalog).Validate(config);
        if (diagnostics.HasProblems)
        {
            return new ConfigLoadResult(null, diagnostics.Sorted());
        }

        ConfigNormalizer.Normalize(config, sourceMap);
        return new ConfigLoadResult(config, []);
    }

    /// <summary>Loads config from the file at <paramref name="path"/>; problems are reported under the path as given.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">Not a regular file, larger than 1 MiB, or unreadable.</exception>
    public static ConfigLoadResult LoadFile(string path, IReadOnlyCollection<string> knownNodes) =>
        LoadFile(path, knownNodes, []);

    /// <summary>
    /// Loads config from the file at <paramref name="path"/>, also checking where stream nodes stand. Only a regular
    /// file of at most 1 MiB is read; invalid UTF-8 is a located problem.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">Not a regular file, larger than 1 MiB, or unreadable.</exception>
    public static ConfigLoadResult LoadFile(string path, IReadOnlyCollection<string> knownNodes, IReadOnlyCollection<string> streamNodes) =>
        LoadFile(path, knownNodes, streamNodes, []);

    /// <summary>Loads config from the file at <paramref name="path"/>, also checking stream and kv stream nodes and binds.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">Not a regular file, larger than 1 MiB, or unreadable.</exception>
    public static ConfigLoadResult LoadFile(string path, IReadOnlyCollection<string> knownNodes, IReadOnlyCollection<string> streamNodes, IReadOnlyCollection<string> kvStreamNodes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = ConfigFileReader.ReadBytes(path);
        var diagnostics = new ConfigDiagnostics(path);
        return ConfigFileReader.Decode(bytes, diagnostics) is { } text
            ? Load(text, path, knownNodes, streamNodes, kvStreamNodes)
            : new ConfigLoadResult(null, diagnostics.Sorted());
    }
}
