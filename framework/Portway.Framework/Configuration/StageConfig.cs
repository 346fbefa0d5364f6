using System.Text.Json.Nodes;

namespace Portway.Configuration;

/// <summary>An entry of <c>pipelines.NAME.stages</c>.</summary>
public sealed class StageConfig
{
    /// <summary><c>name</c> (required, unique in its pipeline).</summary>
    public string Name { get; set; } = "";

    /// <summary><c>node</c> (required): a registered node name, e.g. <c>sys.echo</c>.</summary>
    public string Node { get; set; } = "";

    /// <summary><c>after</c>: the stages whose output this stage takes. Defaults to none (a source stage).</summary>
    public List<string> After { get; set; } = [];

    /// <summary><c>group</c>: the process group that runs the stage. Defaults to <c>web</c>.</summary>
    public string Group { get; set; } = ProcessGroupConfig.WebGroup;

    /// <summary><c>with</c>: a JSON object merged under the stage's input (input keys win). Defaults to none.</summary>
    public JsonObject? With { get; set; }
}
