using System.Text.Json.Nodes;
using Portway.Configuration;

namespace Portway.Pipelines.Batches;

/// <summary>
/// The batch processor's settings from YAML: the <c>with</c> of the stage that runs <c>batch.submit</c>
/// (<c>with: { concurrency: N }</c>, 1 to 256, defaults to 4; <c>item_pipeline</c> and <c>item_timeout_ms</c>: see
/// <see cref="ItemPipeline"/>; <c>egress</c> and <c>path</c>: see <see cref="Delivery"/>). Read from the config, never from
/// a request, so a caller cannot raise it.
/// </summary>
internal static class BatchOptions
{
    public const int DefaultConcurrency = 4;
    public const int MaxConcurrency = 256;
    public const int DefaultItemTimeoutMs = 60_000;
    public const int MaxItemTimeoutMs = 3_600_000;

    /// <summary>
    /// The pipeline each item runs through: the <c>batch.submit</c> stage's <c>with: { item_pipeline: NAME,
    /// item_timeout_ms: N }</c> (N from 1 to 3600000, defaults to 60000: how long one item may take), or null (the
    /// items run the example work, <see cref="TextFeaturesItemProcessor"/>, in the host). Throws naming the stage
    /// when NAME is not a pipeline of the config (or one that submits batches) or N is out of range; the config loader
    /// reports an unknown NAME first, at its line and column.
    /// </summary>
    public static (string Pipeline, TimeSpan Timeout)? ItemPipeline(PortwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        foreach (var (pipeline, stage) in SubmitStages(config))
        {
            if (stage.With?["item_pipeline"] is not { } value)
            {
                continue;
            }

            var where = $"pipelines.{pipeline.Name}.stages.{stage.Name}.with";
            var name = value is JsonValue v && v.TryGetValue<string>(out var n) ? n : "";
            if (!config.Pipelines.TryGetValue(name, out var target) || target.Stages.Any(s => s.Node == SubmitNode.Name))
            {
                throw new InvalidOperationException($"{where}.item_pipeline must name a pipeline of the config (not one that submits batches), not '{name}'");
            }

            var timeoutMs = DefaultItemTimeoutMs;
            if (stage.With["item_timeout_ms"] is { } timeout
                && (timeout is not JsonValue t || !t.TryGetValue(out timeoutMs) || timeoutMs is < 1 or > MaxItemTimeoutMs))
            {
                throw new InvalidOperationException($"{where}.item_timeout_ms must be an integer from 1 to {MaxItemTimeoutMs}");
            }

            return (name, TimeSpan.FromMilliseconds(timeoutMs));
        }

        return null;
    }

    private static IEnumerable<(PipelineConfig Pipeline, StageConfig Stage)> SubmitStages(PortwayConfig config) =>
        config.Pipelines.Values.SelectMany(p => p.Stages.Where(s => s.Node == SubmitNode.Name).Select(s => (p, s)));

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
