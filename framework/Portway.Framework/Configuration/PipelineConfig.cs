namespace Portway.Configuration;

/// <summary>An entry of <c>pipelines</c>: the stages of one DAG.</summary>
public sealed class PipelineConfig
{
    /// <summary>The pipeline's name (the map key). Not a YAML key.</summary>
    public string Name { get; set; } = "";

    /// <summary><c>stages</c> (required, at least one).</summary>
    public List<StageConfig> Stages { get; set; } = [];

    /// <summary>Stage names in topological order (filled in by normalization).</summary>
    public List<string> Order { get; set; } = [];

    /// <summary>The single sink stage, whose output is the reply (filled in by normalization).</summary>
    public string Sink { get; set; } = "";
}
