using System.Text.Json;
using Portway.Pipelines.VoiceProfiles;

namespace Portway.Pipelines.Batches;

/// <summary>
/// The example work: an item is a text, or <c>{"text","work_ms"}</c>; the result is <c>{"hrv":[8]}</c>, the
/// text's voice features (as <c>voice.extract</c> measures them). <c>work_ms</c> (0 to 60000) stands for a slow
/// external call: the item waits that long on the clock first, cancellable. A text <c>voice.extract</c> would
/// refuse fails that item with <c>validation_failed</c>.
/// </summary>
internal sealed class TextFeaturesItemProcessor(TimeProvider time) : IBatchItemProcessor
{
    /// <summary>The longest simulated work.</summary>
    public const int MaxWorkMs = 60_000;

    public async ValueTask<JsonElement> ProcessAsync(JsonElement item, CancellationToken cancellationToken)
    {
        string? text;
        var workMs = 0;
        if (item.ValueKind == JsonValueKind.String)
        {
            text = item.GetString();
        }
        else if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
        {
            text = t.GetString();
            if (item.TryGetProperty("work_ms", out var w) && (!w.TryGetInt32(out workMs) || workMs is < 0 or > MaxWorkMs))
            {
                throw new PortwayException(ErrorCode.ValidationFailed, $"work_ms must be an integer from 0 to {MaxWorkMs}");
            }
        }
        else
        {
            throw new PortwayException(ErrorCode.ValidationFailed, "an item must be a text or an object {\"text\",\"work_ms\"}");
        }

        if (ExtractNode.CheckText(text, "text") is { } error)
        {
            throw new PortwayException(error);
        }

        if (workMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(workMs), time, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var hrv = VoiceVector.Round(TextFeatures.Measure(text!));
        return JsonSerializer.SerializeToElement(new { hrv });
    }
}
