using System.Text.Json.Nodes;
using Portway.Configuration;
using YamlDotNet.Core;

namespace Portway.Internal.Configuration;

internal sealed partial class ConfigValidator
{
    /// <summary>A stage's <c>with</c> keys that its node reads as settings (<see cref="Nodes.PortwayNodeSettingAttribute"/>) hold a value in range.</summary>
    private void ValidateWithSettings(PortwayConfig config)
    {
        foreach (var (pipeline, stage, with, node) in StagesWithCatalogNode(config))
        {
            foreach (var setting in node.Settings)
            {
                if (!with.TryGetPropertyValue(setting.Key, out var value) || Accepts(setting, value))
                {
                    continue;
                }

                var text = value is null ? "null" : value.ToJsonString();
                _diagnostics.Report(WithAt(stage, setting.Key),
                    $"stage '{stage.Name}' of pipeline '{pipeline.Name}': with.{setting.Key} must be {setting.Expected}, not {text}");
            }
        }
    }

    /// <summary>Each stage with a <c>with</c> whose node the catalog declares something of (egress, pipelines named, settings).</summary>
    private IEnumerable<(PipelineConfig Pipeline, StageConfig Stage, JsonObject With, Nodes.NodeRegistration Node)> StagesWithCatalogNode(PortwayConfig config)
    {
        foreach (var pipeline in config.Pipelines.Values)
        {
            foreach (var stage in pipeline.Stages)
            {
                if (stage.With is { } with && _catalog.TryGetValue(stage.Node, out var node))
                {
                    yield return (pipeline, stage, with, node);
                }
            }
        }
    }

    /// <summary>Where a stage's <c>with.KEY</c> is written, else its <c>with</c>.</summary>
    private Mark WithAt(StageConfig stage, string key) => _map.At(stage, _map.Has(stage, "with." + key) ? "with." + key : "with");

    private static bool Accepts(Nodes.PortwayNodeSettingAttribute setting, JsonNode? value) => value is JsonValue v && (setting.Boolean
        ? v.TryGetValue<bool>(out _)
        : v.TryGetValue<int>(out var n) && n >= setting.Min && n <= setting.Max);
}
