using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace Portway.Nodes;

/// <summary>
/// Binds a node's JSON input to its typed form, answering <c>validation_failed</c> when it does not bind. The
/// message names the JSON field (<c>$.code</c>) and the JSON kind expected there, never a .NET type: the caller
/// wrote JSON, not C#.
/// </summary>
internal static partial class NodeInput
{
    /// <summary>Null with <paramref name="value"/> set, or the validation error.</summary>
    public static PortwayError? Bind<T>(ReadOnlyMemory<byte> json, out T? value)
    {
        try
        {
            value = JsonSerializer.Deserialize<T>(json.Span, NodeJson.Options);
        }
        catch (JsonException ex)
        {
            value = default;
            var where = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "input" : ex.Path;
            return new PortwayError(ErrorCode.ValidationFailed, $"{where}: {Describe(typeof(T), ex)}");
        }

        return value is null ? new PortwayError(ErrorCode.ValidationFailed, "input is required") : null;
    }

    /// <summary>The serializer's complaint in JSON terms: what was expected at the path, without the CLR type it names.</summary>
    private static string Describe(Type root, JsonException ex)
    {
        var cut = ex.Message.IndexOf(" Path:", StringComparison.Ordinal);
        var first = cut > 0 ? ex.Message[..cut] : ex.Message;
        if (first.Contains("could not be converted to", StringComparison.Ordinal))
        {
            return TypeAt(root, ex.Path) is { } expected ? $"expected {JsonKindOf(expected)}" : "has the wrong JSON type";
        }

        if (MissingRequired().Match(first) is { Success: true } missing)
        {
            return $"missing required field(s) {missing.Groups["names"].Value}";
        }

        // Any other message that names a type loses the name rather than leak it.
        return TypeName().Replace(first, "the input");
    }

    /// <summary>The type bound at a JSON path such as <c>$.items[0].name</c>; null when the path does not resolve.</summary>
    private static Type? TypeAt(Type root, string? path)
    {
        var type = root;
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return type;
        }

        foreach (Match segment in PathSegment().Matches(path))
        {
            if (segment.Groups["index"].Success)
            {
                type = ElementType(type);
            }
            else
            {
                var name = segment.Groups["name"].Success ? segment.Groups["name"].Value : segment.Groups["quoted"].Value;
                var info = NodeJson.Options.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
                type = info.Kind == JsonTypeInfoKind.Object
                    ? info.Properties.FirstOrDefault(p => p.Name == name)?.PropertyType
                    : info.Kind == JsonTypeInfoKind.Dictionary ? ElementType(type) : null;
            }

            if (type is null)
            {
                return null;
            }
        }

        return type;
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        var generic = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        var element = generic?.GetGenericArguments()[0];
        return element is { IsGenericType: true } pair && pair.GetGenericTypeDefinition() == typeof(KeyValuePair<,>)
            ? pair.GetGenericArguments()[1]
            : element;
    }

    private static string JsonKindOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || type == typeof(char) || type == typeof(Guid) || type == typeof(DateTime)
            || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(Uri) || type.IsEnum)
        {
            return "a string";
        }

        if (type == typeof(bool))
        {
            return "true or false";
        }

        if (type.IsPrimitive || type == typeof(decimal) || type == typeof(Half) || type == typeof(Int128) || type == typeof(UInt128))
        {
            return "a number";
        }

        if (type == typeof(JsonElement) || type == typeof(object))
        {
            return "a JSON value";
        }

        var kind = NodeJson.Options.GetTypeInfo(type).Kind;
        return kind == JsonTypeInfoKind.Enumerable || (kind == JsonTypeInfoKind.None && typeof(IEnumerable).IsAssignableFrom(type))
            ? "an array"
            : "an object";
    }

    [GeneratedRegex(@"missing required properties including: (?<names>.+?)\.?$")]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"'?\b[A-Z][\w`]*(\.[\w`+\[\],]+)+'?")]
    private static partial Regex TypeName();

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>(?:[^']|'')*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex PathSegment();
}
