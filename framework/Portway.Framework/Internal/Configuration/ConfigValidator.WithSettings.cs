using System.Text.Json.Nodes;
using Portway.Configuration;

namespace Portway.Internal.Configuration;

internal sealed partial class ConfigValidator
{
    /// <summary>A stage's <c>with</c> keys that its node reads as settings (<see cref="Nodes.PortwayNodeSettingAttribute"/>) hold a value in range.</summary>
    private void ValidateWithSettings(PortwayConfig config)
    {
        foreach (var pipeline in config.Pipelines.Values)
        {
            foreach (var stage in pipeline.Stages)
            {
                if (stage.With is null || !_catalog.TryGetValue(stage.Node, out var node))
                {
                    continue;
                }

                foreach (var setting in node.Settings)
                {
                    if (!stage.With.TryGetPropertyValue(setting.Key, out var value) || Accepts(setting, value))
                    {
                        continue;
                    }

                    var text = value is null ? "null" : value.ToJsonString();
                    _diagnostics.Report(_map.At(stage, _map.Has(stage, "with." + setting.Key) ? "with." + setting.Key : "with"),
                        $"stage '{stage.Name}' of pipeline '{pipeline.Name}': with.{setting.Key} must be {setting.Expected}, not {text}");
                }
            }
        }
    }

    private static bool Accepts(Nodes.PortwayNodeSettingAttribute setting, JsonNode? value) => value is JsonValue v && (setting.Boolean
        ? v.TryGetValue<bool>(out _)
        : v.TryGetValue<int>(out var n) && n >= setting.Min && n <= setting.Max);
}
