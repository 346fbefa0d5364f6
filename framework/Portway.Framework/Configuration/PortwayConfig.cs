namespace Portway.Configuration;

/// <summary>The root of a Portway YAML file: the runtime settings and the pipelines it serves.</summary>
public sealed class PortwayConfig
{
    /// <summary>Where the config came from (a file path or <c>embedded:runtime.yaml</c>). Not a YAML key.</summary>
    public string Source { get; set; } = "";

    /// <summary>The YAML text it was loaded from (handed to worker processes at bootstrap). Not a YAML key.</summary>
    public string Text { get; set; } = "";

    /// <summary><c>runtime</c>: platform and web settings.</summary>
    public RuntimeConfig Runtime { get; set; } = new();

    /// <summary><c>pipelines</c>: pipeline name → its stages (the DAG). Order is the file's order.</summary>
    public Dictionary<string, PipelineConfig> Pipelines { get; set; } = new(StringComparer.Ordinal);
}
