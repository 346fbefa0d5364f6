using System.Text.Json.Nodes;
using Portway.Configuration;

namespace Portway.Internal.Configuration;

internal sealed partial class ConfigValidator
{
    /// <summary>A stage's <c>with</c> keys that its node declares as naming a pipeline (<see cref="Nodes.PortwayNodeAttribute.WithPipelines"/>) name another pipeline of the config.</summary>
    private void ValidateWithPipelines(PortwayConfig config)
    {
        foreach (var (pipeline, stage, with, node) in StagesWithCatalogNode(config))
        {
            foreach (var key in node.WithPipelines)
            {
                if (with[key] is not { } value)
                {
                    continue;
                }

                var at = WithAt(stage, key);
                var where = $"stage '{stage.Name}' of pipeline '{pipeline.Name}'";
                if (value is not JsonValue v || !v.TryGetValue<string>(out var name) || !config.Pipelines.ContainsKey(name))
                {
                    var text = value is JsonValue t && t.TryGetValue<string>(out var s) ? s : value.ToJsonString();
                    _diagnostics.Report(at, $"{where}: with.{key} names unknown pipeline '{text}'{DidYouMean.Suffix(text, config.Pipelines.Keys.ToArray())}");
                }
                else if (name == pipeline.Name)
                {
                    _diagnostics.Report(at, $"{where}: with.{key} names its own pipeline '{name}' (it would call itself)");
                }
            }
        }
    }
}
