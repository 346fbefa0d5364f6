using System.Buffers;
using System.Text.Json;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>A GraphQL response holding one request error: <c>{"errors":[{"message","extensions":{"code","request_id"}}]}</c>.</summary>
internal static class GraphQLErrorBody
{
    public static byte[] Write(PortwayError error, string requestId)
    {
        ArgumentNullException.ThrowIfNull(error);
        var buffer = new ArrayBufferWriter<byte>(128 + error.Message.Length);
        using (var writer = new Utf8JsonWriter(buffer, PortwayJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("errors");
            writer.WriteStartObject();
            writer.WriteString("message", error.Message);
            writer.WriteStartObject("extensions");
            writer.WriteString("code", error.Code);
            writer.WriteString("request_id", requestId);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
