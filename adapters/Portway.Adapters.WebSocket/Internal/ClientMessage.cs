using System.Text.Json;

namespace Portway.Adapters.WebSocket.Internal;

/// <summary>
/// One client text message, <c>{"id","op","payload"}</c>, parsed strictly. <see cref="Id"/> is the id's raw JSON
/// (a string or an integer) so the answers carry it back byte for byte; it is also the key of the request in
/// flight. <see cref="Op"/> is empty when the message has none. <see cref="Problem"/> is set when the message is
/// not usable, with <see cref="Id"/> when it was read.
/// </summary>
internal readonly record struct ClientMessage(string? Id, string Op, ReadOnlyMemory<byte> Payload, string? Problem)
{
    public const int MaxIdLength = 128;
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    public static ClientMessage Parse(ReadOnlySpan<byte> json)
    {
        string? id = null, op = null;
        ReadOnlyMemory<byte> payload = EmptyObject;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                SkipRest(ref reader);
                return Bad(null, "a message must be a JSON object {\"id\",\"op\",\"payload\"}");
            }

            string? problem = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "id":
                        id = ReadId(ref reader, out var idProblem) ?? id;
                        problem ??= idProblem;
                        break;
                    case "op":
                        if (reader.TokenType == JsonTokenType.String) op = reader.GetString();
                        else problem ??= "'op' must be a string";
                        reader.Skip();
                        break;
                    case "payload":
                        var start = (int)reader.TokenStartIndex;
                        reader.Skip();
                        payload = json[start..(int)reader.BytesConsumed].ToArray();
                        break;
                    default:
                        problem ??= $"unknown key '{name}'; a message has \"id\", \"op\" and \"payload\"";
                        reader.Skip();
                        break;
                }
            }

            SkipRest(ref reader);
            if (problem is not null) return Bad(id, problem);
            if (id is null) return Bad(null, "'id' is missing");
            return new ClientMessage(id, op ?? "", payload, null);
        }
        catch (JsonException ex)
        {
            return Bad(id, $"malformed JSON at line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}");
        }
    }

    /// <summary>The payload's top-level <c>"tenant"</c> string (the envelope's tenant, as a GraphQL <c>tenant</c> argument is), else empty.</summary>
    public static string TenantOf(ReadOnlySpan<byte> payload) => Portway.Adapters.Http.Internal.Policies.BoundaryPolicies.TenantOf(payload);

    private static string? ReadId(ref Utf8JsonReader reader, out string? problem)
    {
        problem = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.String when reader.GetString() is { Length: > 0 and <= MaxIdLength }:
                return JsonSerializer.Serialize(reader.GetString());
            case JsonTokenType.Number when reader.TryGetInt64(out var n):
                return n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            default:
                problem = $"'id' must be a string of 1-{MaxIdLength} characters or an integer";
                reader.Skip();
                return null;
        }
    }

    /// <summary>Reads to the end so malformed JSON after the object is reported too.</summary>
    private static void SkipRest(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
        }
    }

    private static ClientMessage Bad(string? id, string problem) => new(id, "", default, problem);
}
