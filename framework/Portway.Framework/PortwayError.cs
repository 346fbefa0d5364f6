using System.Text.Json;

namespace Portway;

/// <summary>An error answer: a taxonomy <see cref="ErrorCode"/> and a message for humans.</summary>
public sealed record PortwayError(string Code, string Message)
{
    /// <summary>The payload of an error envelope: <c>{"code","message"}</c>.</summary>
    public byte[] ToPayload()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 + Message.Length);
        using (var writer = new Utf8JsonWriter(buffer, PortwayJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("code", Code);
            writer.WriteString("message", Message);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads an error envelope's payload; a payload that is not one becomes an internal error.</summary>
    public static PortwayError FromPayload(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            string? code = null, message = null;
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isCode = reader.ValueTextEquals("code"u8);
                    var isMessage = reader.ValueTextEquals("message"u8);
                    reader.Read();
                    if (isCode && reader.TokenType == JsonTokenType.String) code = reader.GetString();
                    else if (isMessage && reader.TokenType == JsonTokenType.String) message = reader.GetString();
                    else reader.Skip();
                }
            }

            if (code is not null)
            {
                return new PortwayError(code, message ?? "");
            }
        }
        catch (JsonException)
        {
        }

        return new PortwayError(ErrorCode.Internal, "malformed error payload");
    }
}
