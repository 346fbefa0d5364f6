using System.Text.Json;
using System.Text.Json.Nodes;
using Portway.Configuration;

namespace Portway.Nodes.BuiltIn;

/// <summary>
/// What the egress nodes read from their stage's <c>with</c> in the config (never from the request, whose keys win
/// over <c>with</c> in the input), and the input they send: the request's JSON without those keys.
/// </summary>
internal static class EgressStage
{
    /// <summary>The stage's <c>with</c> from <paramref name="config"/>; <c>internal</c> when the stage is gone (a reload removed it).</summary>
    public static JsonObject With(PortwayConfig config, NodeContext context) =>
        config.Pipelines.TryGetValue(context.Pipeline, out var pipeline) && pipeline.Stages.FirstOrDefault(s => s.Name == context.Stage)?.With is { } with
            ? with
            : throw new PortwayException(ErrorCode.Internal, $"stage '{context.Stage}' of pipeline '{context.Pipeline}' has no with: {{ egress }}");

    /// <summary>A string of <paramref name="with"/>, or <paramref name="fallback"/>.</summary>
    public static string Text(JsonObject with, string key, string fallback) =>
        with[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : fallback;

    /// <summary>The input without the keys of <paramref name="with"/> (an object input); any other input as it is.</summary>
    public static byte[] Body(NodeContext context, JsonObject with)
    {
        JsonNode? input;
        try
        {
            input = context.Input.Length == 0 ? null : JsonNode.Parse(context.Input.Span);
        }
        catch (JsonException ex)
        {
            throw new PortwayException(ErrorCode.ValidationFailed, "input is not JSON: " + ex.Message);
        }

        if (input is JsonObject obj)
        {
            foreach (var (key, _) in with) obj.Remove(key);
        }

        return JsonSerializer.SerializeToUtf8Bytes(input);
    }

    /// <summary>The stage span's <c>traceparent</c>, or one in the request's trace when the stage has none.</summary>
    public static string TraceParent(NodeContext context) =>
        context.TraceParent.Length > 0 ? context.TraceParent : $"00-{context.TraceId}-{EnvelopeIds.NewSpanId()}-01";
}
