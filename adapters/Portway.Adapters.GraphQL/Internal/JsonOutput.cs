using System.Text.Json;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>
/// Maps a pipeline's JSON answer onto a field's declared type: scalars become CLR values graphql-dotnet
/// serializes, objects stay <see cref="JsonElement"/>s (the source of their own fields), lists become lists.
/// An answer that does not fit the declared type is an <c>internal</c> error: the pipeline broke its contract.
/// </summary>
internal static class JsonOutput
{
    public static object? Map(JsonElement value, TypeShape shape)
    {
        if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            // A null for a non-null type is reported by graphql-dotnet itself, with the field's path.
            return null;
        }

        switch (shape.Kind)
        {
            case TypeShapeKind.NonNull:
                return Map(value, shape.Of!);
            case TypeShapeKind.List:
                if (value.ValueKind != JsonValueKind.Array) throw Mismatch(value, shape);
                var items = new List<object?>(value.GetArrayLength());
                foreach (var item in value.EnumerateArray())
                {
                    items.Add(Map(item, shape.Of!));
                }

                return items;
            default:
                return MapNamed(value, shape);
        }
    }

    /// <summary>The property <paramref name="name"/> of an object source; undefined when absent.</summary>
    public static JsonElement Property(object? source, string name) =>
        source is JsonElement { ValueKind: JsonValueKind.Object } obj && obj.TryGetProperty(name, out var property) ? property : default;

    private static object MapNamed(JsonElement value, TypeShape shape)
    {
        switch (shape.Name)
        {
            case "Int":
                return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i) ? i : throw Mismatch(value, shape);
            case "Float":
                return value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw Mismatch(value, shape);
            case "Boolean":
                return value.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw Mismatch(value, shape),
                };
            case "String":
                return value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString()!,
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                    _ => throw Mismatch(value, shape),
                };
            case "ID":
                return value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString()!,
                    JsonValueKind.Number when value.TryGetInt64(out _) => value.GetRawText(),
                    _ => throw Mismatch(value, shape),
                };
            default:
                return value.ValueKind == JsonValueKind.Object ? value : throw Mismatch(value, shape);
        }
    }

    private static PortwayFieldError Mismatch(JsonElement value, TypeShape shape) =>
        new(new PortwayError(ErrorCode.Internal, $"the pipeline answered {Describe(value)} where the schema declares {shape}"));

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "the number " + value.GetRawText(),
        _ => "a boolean",
    };
}
