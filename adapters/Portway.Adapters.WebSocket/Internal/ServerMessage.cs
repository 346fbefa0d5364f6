using System.Buffers;
using System.Text.Json;
using Portway.Adapters.Http;

namespace Portway.Adapters.WebSocket.Internal;

/// <summary>
/// The server's messages: <c>{"id","type":"reply","payload"}</c>, <c>{"id","type":"item","payload"}</c>,
/// <c>{"id","type":"end"}</c> and <c>{"id","type":"error","error":{"code","message","request_id","trace_id"}}</c>.
/// <c>id</c> is the client's id as it sent it, or <c>null</c> when the message could not be read.
/// </summary>
internal static class ServerMessage
{
    public static byte[] Reply(string id, ReadOnlyMemory<byte> payload) => Write(id, "reply", payload);

    public static byte[] Item(string id, ReadOnlyMemory<byte> payload) => Write(id, "item", payload);

    public static byte[] End(string id) => Write(id, "end", null);

    /// <summary>An error; a refusal by a rate limit also carries <c>"retry_after_s"</c> (the seconds until a permit frees up) in <c>error</c>.</summary>
    public static byte[] Error(string? id, PortwayError error, string requestId, string traceId, int retryAfterSeconds = 0)
    {
        var buffer = new ArrayBufferWriter<byte>(180 + error.Message.Length);
        using (var writer = new Utf8JsonWriter(buffer, PortwayJson.WriterOptions))
        {
            writer.WriteStartObject();
            WriteId(writer, id);
            writer.WriteString("type", "error");
            if (retryAfterSeconds > 0)
            {
                writer.WriteStartObject("error");
                writer.WriteString("code", error.Code);
                writer.WriteString("message", error.Message);
                writer.WriteString("request_id", requestId);
                writer.WriteString("trace_id", traceId);
                writer.WriteNumber("retry_after_s", retryAfterSeconds);
                writer.WriteEndObject();
            }
            else
            {
                HttpErrorWriter.WriteError(writer, error, requestId, traceId);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Write(string id, string type, ReadOnlyMemory<byte>? payload)
    {
        var buffer = new ArrayBufferWriter<byte>(48 + id.Length + (payload?.Length ?? 0));
        using (var writer = new Utf8JsonWriter(buffer, PortwayJson.WriterOptions))
        {
            writer.WriteStartObject();
            WriteId(writer, id);
            writer.WriteString("type", type);
            if (payload is { } p)
            {
                writer.WritePropertyName("payload");
                writer.WriteRawValue(p.Span, skipInputValidation: true);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteId(Utf8JsonWriter writer, string? id)
    {
        writer.WritePropertyName("id");
        if (id is null) writer.WriteNullValue();
        else writer.WriteRawValue(id, skipInputValidation: true);
    }
}
