using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using GraphQL.Execution;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>Writes a field's coerced arguments as the node input: one JSON object, omitted arguments left out.</summary>
internal static class ArgumentsJson
{
    public static byte[] Write(IDictionary<string, ArgumentValue>? arguments)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (arguments is not null)
            {
                foreach (var (name, argument) in arguments)
                {
                    if (argument.Source == ArgumentSource.FieldDefault && argument.Value is null)
                    {
                        continue;
                    }

                    writer.WritePropertyName(name);
                    WriteValue(writer, argument.Value);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The tenant argument, when the field has one: it also becomes the envelope's tenant.</summary>
    public static string Tenant(IDictionary<string, ArgumentValue>? arguments) =>
        arguments is not null && arguments.TryGetValue("tenant", out var tenant) && tenant.Value is string s ? s : "";

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case float f:
                writer.WriteNumberValue(f);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            case BigInteger big:
                writer.WriteRawValue(big.ToString(CultureInfo.InvariantCulture));
                break;
            case IEnumerable list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
