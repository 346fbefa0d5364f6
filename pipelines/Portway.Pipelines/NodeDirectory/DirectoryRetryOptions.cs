using System.Text.Json.Nodes;
using Portway.Configuration;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// The retries' settings from YAML: the <c>with</c> of the stage that runs <c>directory.sweep</c>:
/// <c>retries</c> (true or false; defaults to true), <c>retry_timeout_ms</c> (how long one node's contact may take,
/// all its endpoints together: 100 to 60000; defaults to 5000), <c>retry_concurrency</c> (nodes contacted at once by
/// one sweep: 1 to 256; defaults to 16). Read from the config, never from a request.
/// </summary>
internal sealed record DirectoryRetryOptions(bool Enabled, TimeSpan Timeout, int Concurrency)
{
    public const int MinTimeoutMs = 100;
    public const int MaxTimeoutMs = 60_000;
    public const int MaxConcurrency = 256;

    public static readonly DirectoryRetryOptions Default = new(true, TimeSpan.FromSeconds(5), 16);

    /// <summary>The settings the config asks for; throws naming the stage and key when one is out of range.</summary>
    public static DirectoryRetryOptions From(PortwayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        foreach (var pipeline in config.Pipelines.Values)
        {
            foreach (var stage in pipeline.Stages.Where(s => s.Node == "directory.sweep" && s.With is not null))
            {
                var where = $"pipelines.{pipeline.Name}.stages.{stage.Name}.with";
                var enabled = stage.With!["retries"] switch
                {
                    null => Default.Enabled,
                    JsonValue v when v.TryGetValue<bool>(out var b) => b,
                    _ => throw new InvalidOperationException($"{where}.retries must be true or false"),
                };
                return new DirectoryRetryOptions(
                    enabled,
                    TimeSpan.FromMilliseconds(Number(stage.With, "retry_timeout_ms", MinTimeoutMs, MaxTimeoutMs, (int)Default.Timeout.TotalMilliseconds, where)),
                    Number(stage.With, "retry_concurrency", 1, MaxConcurrency, Default.Concurrency, where));
            }
        }

        return Default;
    }

    private static int Number(JsonObject with, string key, int min, int max, int fallback, string where) => with[key] switch
    {
        null => fallback,
        JsonValue v when v.TryGetValue<int>(out var n) && n >= min && n <= max => n,
        _ => throw new InvalidOperationException($"{where}.{key} must be an integer from {min} to {max}"),
    };
}
