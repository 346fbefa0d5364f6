using System.Buffers;
using System.Text.Json;

namespace Portway.PublicApi.Tests.NdjsonTcp;

/// <summary>Writes one answer line: <c>{"id": the request's id as sent, ...}\n</c>.</summary>
internal sealed class NdjsonAnswer(Utf8JsonWriter writer)
{
    public Utf8JsonWriter Writer { get; } = writer;

    /// <summary>Writes <paramref name="name"/> with a JSON value as is (a pipeline's output or item).</summary>
    public void WriteRaw(string name, ReadOnlyMemory<byte> json)
    {
        Writer.WritePropertyName(name);
        Writer.WriteRawValue(json.Span, skipInputValidation: true);
    }

    public static byte[] Write(string? id, Action<NdjsonAnswer> body)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("id");
            if (id is null) writer.WriteNullValue();
            else writer.WriteRawValue(id, skipInputValidation: true);
            body(new NdjsonAnswer(writer));
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Error(string? id, PortwayError error, string requestId) => Write(id, a =>
    {
        a.Writer.WriteStartObject("error");
        a.Writer.WriteString("code", error.Code);
        a.Writer.WriteString("message", error.Message);
        a.Writer.WriteString("request_id", requestId);
        a.Writer.WriteEndObject();
    });
}
