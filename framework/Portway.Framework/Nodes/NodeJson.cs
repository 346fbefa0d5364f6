using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portway.Nodes;

/// <summary>The JSON settings typed nodes use: snake_case names, strict numbers, no comments.</summary>
public static class NodeJson
{
    /// <summary>Shared serializer options (snake_case, case-sensitive, nulls omitted).</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
