using System.Text.Json.Nodes;

namespace Portway.Adapters.Http.Internal;

internal static partial class OpenApiDocumentBuilder
{
    /// <summary>A value that satisfies <paramref name="schema"/>'s shape: every property with a plain value of its type.</summary>
    internal static JsonNode? Example(JsonNode? schema, int depth = 0)
    {
        if (schema is not JsonObject s || depth > 6)
        {
            return new JsonObject();
        }

        if (s["enum"] is JsonArray { Count: > 0 } values)
        {
            return values[0]?.DeepClone();
        }

        var type = s["type"] switch
        {
            JsonValue v => v.GetValue<string>(),
            JsonArray a => a.Select(t => t?.GetValue<string>()).FirstOrDefault(t => t is not null and not "null"),
            _ => s["properties"] is not null ? "object" : null,
        };
        switch (type)
        {
            case "object":
                var obj = new JsonObject();
                if (s["properties"] is JsonObject properties)
                {
                    foreach (var (name, property) in properties) obj[name] = Example(property, depth + 1);
                }

                return obj;
            case "array":
                return new JsonArray();
            case "string":
                return "example";
            case "integer":
                return s["minimum"] is JsonValue min ? JsonValue.Create(min.GetValue<double>() > 0 ? (long)Math.Ceiling(min.GetValue<double>()) : 0) : 0;
            case "number":
                return 0.5;
            case "boolean":
                return false;
            default:
                return new JsonObject();
        }
    }
}
