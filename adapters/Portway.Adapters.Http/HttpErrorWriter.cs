using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Portway.Adapters.Http;

/// <summary>Writes the one error body format: <c>{"error":{"code","message","request_id","trace_id"}}</c>, with the taxonomy status.</summary>
public static class HttpErrorWriter
{
    /// <summary>Writes the error with its taxonomy status, or <paramref name="status"/> when it is not 0 (a 408 for a stalled body).</summary>
    public static Task WriteAsync(HttpResponse response, PortwayError error, string requestId, string traceId, int status = 0)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(error);
        response.StatusCode = status != 0 ? status : ErrorCode.ToHttpStatus(error.Code);
        response.ContentType = "application/json";
        var body = ToBody(error, requestId, traceId);
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }

    /// <summary>The whole error body, <c>{"error":{...}}</c>, as UTF-8 JSON bytes.</summary>
    public static byte[] ToBody(PortwayError error, string requestId, string traceId)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128 + error.Message.Length);
        using (var writer = new Utf8JsonWriter(buffer, PortwayJson.WriterOptions))
        {
            writer.WriteStartObject();
            WriteError(writer, error, requestId, traceId);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the <c>"error":{"code","message","request_id","trace_id"}</c> property every ingress answers an error with.</summary>
    public static void WriteError(Utf8JsonWriter writer, PortwayError error, string requestId, string traceId)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(error);
        writer.WriteStartObject("error");
        writer.WriteString("code", error.Code);
        writer.WriteString("message", error.Message);
        writer.WriteString("request_id", requestId);
        writer.WriteString("trace_id", traceId);
        writer.WriteEndObject();
    }
}
