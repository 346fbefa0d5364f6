using Portway.Configuration;
using YamlDotNet.RepresentationModel;

namespace Portway.Internal.Configuration;

internal sealed partial class ConfigBinder
{
    private void BindPipelines(YamlNode node, PortwayConfig config)
    {
        if (AsMapping(node, "pipelines") is not { } pipelines) return;
        foreach (var (key, value) in pipelines.Children)
        {
            if (key is not YamlScalarNode { Value: { } name })
            {
                _diagnostics.Report(key.Start, "pipeline names must be strings");
                continue;
            }

            var pipeline = new PipelineConfig { Name = name };
            var what = $"pipeline '{name}'";
            config.Pipelines[name] = pipeline;
            var mapping = AsMapping(value, what);
            if (mapping is null && !(value is YamlScalarNode scalar && YamlScalars.IsNull(scalar)))
            {
                _map.Record(pipeline, "", key.Start);
                continue;
            }

            var reader = Reader(mapping, key.Start, what, ConfigSchema.Pipeline, pipeline);
            _map.Record(pipeline, "", key.Start);
            if (reader.Sequence("stages", required: true) is { } stages)
            {
                foreach (var item in stages.Children) pipeline.Stages.Add(BindStage(item, name));
            }
        }
    }

    private StageConfig BindStage(YamlNode node, string pipeline)
    {
        var stage = new StageConfig();
        var mapping = AsMapping(node, "a stage");
        var name = mapping?.Children.TryGetValue(new YamlScalarNode("name"), out var n) == true && n is YamlScalarNode ns ? ns.Value : null;
        var what = name is null ? $"a stage of pipeline '{pipeline}'" : $"stage '{name}' of pipeline '{pipeline}'";
        var reader = Reader(mapping, node.Start, what, ConfigSchema.Stage, stage);
        reader.String("name", v => stage.Name = v, required: true);
        reader.String("node", v => stage.Node = v, required: true);
        if (reader.StringList("after") is { } after) stage.After = after;
        reader.String("group", v => stage.Group = v);
        if (reader.TryGet("with", out var with))
        {
            if (with is YamlMappingNode withMapping)
            {
                stage.With = (System.Text.Json.Nodes.JsonObject?)YamlScalars.ToJson(withMapping, _diagnostics);
                foreach (var (key, value) in withMapping.Children)
                {
                    if (key is YamlScalarNode { Value: { } withKey }) _map.Record(stage, "with." + withKey, value.Start);
                }
            }
            else
            {
                _diagnostics.Report(with.Start, $"with: expected a mapping, got {MappingReader.Describe(with)}");
            }
        }

        return stage;
    }
}
