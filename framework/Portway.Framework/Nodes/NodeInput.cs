using System.Text.Json;

namespace Portway.Nodes;

/// <summary>Binds a node's JSON input to its typed form, answering <c>validation_failed</c> when it does not bind.</summary>
internal static class NodeInput
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
            return new PortwayError(ErrorCode.ValidationFailed, $"{where}: {FirstLine(ex.Message)}");
        }

        return value is null ? new PortwayError(ErrorCode.ValidationFailed, "input is required") : null;
    }

    private static string FirstLine(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
