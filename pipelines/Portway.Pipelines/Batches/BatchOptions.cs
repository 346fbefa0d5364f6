using System.Text.Json.Nodes;
using Portway.Configuration;

namespace Portway.Pipelines.Batches;

/// <summary>
/// The batch processor's settings from YAML: the <c>with</c> of the stage that runs <c>batch.submit</c>
/// (<c>with: { concurrency: N }</c>, 1 to 256, defaults to 4; <c>egress</c> and <c>path</c>: see <see cref="Delivery"/>). Read from the config, never from a request,
/// so a caller cannot raise it.
/// </summary>
internal static class BatchOptions
{
    public const int DefaultConcurrency = 4;
    public const int MaxConcurrency = 256;

    /// <summary>
    /// Where finished batches are delivered: the <c>batch.submit</c> stage's <c>with: { egress: NAME, path: /PATH }</c>
    /// (path defaults to <c>/</c>), or null. Throws naming the stage when NAME is not an http egress.
    /// </summary>
    public static (string Egress, string Path)? Delivery(PortwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        foreach (var pipeline in config.Pipelines.Values)
        {
            foreach (var stage in pipeline.Stages)
            {
                if (stage.Node != SubmitNode.Name || stage.With?["egress"] is not JsonValue egress)
                {
                    continue;
                }

                var name = egress.TryGetValue<string>(out var n) ? n : "";
                if (!config.Runtime.Egress.Http.Any(h => h.Name == name))
                {
                    throw new InvalidOperationException($"pipelines.{pipeline.Name}.stages.{stage.Name}.with.egress must name an http egress of runtime.egress.http, not '{name}'");
                }

                var path = stage.With["path"] is JsonValue p && p.TryGetValue<string>(out var text) ? text : "/";
                return (name, path);
            }
        }

        return null;
    }

    /// <summary>The concurrency the config asks for; throws naming the stage when it is not 1 to 256.</summary>
    public static int Concurrency(PortwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        foreach (var pipeline in config.Pipelines.Values)
        {
            foreach (var stage in pipeline.Stages)
            {
                if (stage.Node != SubmitNode.Name || stage.With is null || !stage.With.TryGetPropertyValue("concurrency", out var value))
                {
                    continue;
                }

                return value is JsonValue v && v.TryGetValue<int>(out var n) && n is >= 1 and <= MaxConcurrency
                    ? n
                    : throw new InvalidOperationException($"pipelines.{pipeline.Name}.stages.{stage.Name}.with.concurrency must be an integer from 1 to {MaxConcurrency}");
            }
        }

        return DefaultConcurrency;
    }
}
