using System.Text.Json;

namespace Portway.Kv;

/// <summary>
/// One item of a kv stream, as a subscriber sees it:
/// <c>{"key","kind":"current"|"set"|"deleted","version","value"}</c>. <c>value</c> is the stored JSON; a value that
/// is not JSON comes as <c>value_base64</c> instead; a deletion has neither.
/// </summary>
public sealed record KvStreamItem(string Key, string Kind, long Version, JsonElement? Value, string? ValueBase64)
{
    /// <summary>The item for <paramref name="change"/>, under the key <paramref name="key"/> (the change's own key when null).</summary>
    public static KvStreamItem From(KvChange change, string? key = null)
    {
        ArgumentNullException.ThrowIfNull(change);
        var kind = change.Kind switch
        {
            KvChangeKind.Current => "current",
            KvChangeKind.Set => "set",
            _ => "deleted",
        };
        if (change.Kind == KvChangeKind.Deleted) return new KvStreamItem(key ?? change.Key, kind, change.Version, null, null);
        try
        {
            var reader = new Utf8JsonReader(change.Value.Span);
            return new KvStreamItem(key ?? change.Key, kind, change.Version, JsonElement.ParseValue(ref reader), null);
        }
        catch (JsonException)
        {
            return new KvStreamItem(key ?? change.Key, kind, change.Version, null, Convert.ToBase64String(change.Value.Span));
        }
    }
}
