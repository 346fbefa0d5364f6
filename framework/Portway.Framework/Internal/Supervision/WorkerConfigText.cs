using YamlDotNet.RepresentationModel;

namespace Portway.Internal.Supervision;

/// <summary>
/// The part of the config a worker runs: <c>pipelines</c>, <c>runtime.platform</c> (groups, transport, data dir),
/// <c>runtime.observability</c> (a worker exports its spans where the host does) and <c>runtime.egress</c> (a stage
/// placed in a worker, <c>sys.http_call</c> say, calls out from there; header secrets stay references the worker resolves).
/// <c>runtime.web</c> (listen address, TLS key path and password, interfaces, and whatever web-only settings come
/// later) stays in the host: a worker never serves the web, so it is never handed the web's secrets.
/// </summary>
internal static class WorkerConfigText
{
    public static string For(string yamlText)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(yamlText))
        {
            stream.Load(reader);
        }

        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var reduced = new YamlMappingNode();
        foreach (var (key, value) in root.Children)
        {
            switch (key)
            {
                case YamlScalarNode { Value: "pipelines" }:
                    reduced.Add(key, value);
                    break;
                case YamlScalarNode { Value: "runtime" } when value is YamlMappingNode runtime:
                    var kept = new YamlMappingNode();
                    foreach (var (runtimeKey, runtimeValue) in runtime.Children)
                    {
                        if (runtimeKey is YamlScalarNode { Value: "platform" or "observability" or "egress" }) kept.Add(runtimeKey, runtimeValue);
                    }

                    reduced.Add(key, kept);
                    break;
            }
        }

        // Block style throughout: YamlDotNet's emitter can write a flow mapping it cannot read back.
        BlockStyle(reduced);
        using var writer = new StringWriter { NewLine = "\n" };
        new YamlStream(new YamlDocument(reduced)).Save(writer, assignAnchors: true);
        return writer.ToString();
    }

    /// <summary>Sets block style on every mapping and sequence (the loader bounded the depth already).</summary>
    private static void BlockStyle(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                mapping.Style = YamlDotNet.Core.Events.MappingStyle.Block;
                foreach (var (_, value) in mapping.Children) BlockStyle(value);
                break;
            case YamlSequenceNode sequence:
                sequence.Style = YamlDotNet.Core.Events.SequenceStyle.Block;
                foreach (var item in sequence.Children) BlockStyle(item);
                break;
        }
    }
}
