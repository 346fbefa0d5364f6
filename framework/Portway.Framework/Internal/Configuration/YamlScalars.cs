using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Portway.Internal.Configuration;

/// <summary>
/// Resolves plain scalars the way the YAML 1.2 core schema does (null, bool, int, float; anything else and every
/// quoted scalar is a string), and converts arbitrary YAML to <see cref="JsonNode"/> for <c>stages[].with</c>.
/// </summary>
internal static partial class YamlScalars
{
    public static bool IsPlain(YamlScalarNode scalar) => scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;

    public static bool IsNull(YamlScalarNode scalar) =>
        IsPlain(scalar) && (scalar.Value is null or "" or "~" or "null" or "Null" or "NULL");

    public static bool TryBool(YamlScalarNode scalar, out bool value)
    {
        value = false;
        if (!IsPlain(scalar)) return false;
        switch (scalar.Value)
        {
            case "true" or "True" or "TRUE":
                value = true;
                return true;
            case "false" or "False" or "FALSE":
                return true;
            default:
                return false;
        }
    }

    /// <summary>A core-schema integer (decimal, <c>0x</c> hex, <c>0o</c> octal); false when not one or too large for a long.</summary>
    public static bool TryInteger(YamlScalarNode scalar, out long value, out bool overflow)
    {
        value = 0;
        overflow = false;
        var text = scalar.Value ?? "";
        if (!IsPlain(scalar)) return false;
        if (DecimalInt().IsMatch(text))
        {
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)) return true;
            overflow = true;
            return false;
        }

        if (HexInt().IsMatch(text))
        {
            if (long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && value >= 0) return true;
            overflow = true;
            return false;
        }

        if (OctalInt().IsMatch(text))
        {
            try
            {
                value = Convert.ToInt64(text[2..], 8);
                return true;
            }
            catch (OverflowException)
            {
                overflow = true;
                return false;
            }
        }

        return false;
    }

    public static bool TryFloat(YamlScalarNode scalar, out double value)
    {
        value = 0;
        var text = scalar.Value ?? "";
        return IsPlain(scalar) && Float().IsMatch(text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value);
    }

    /// <summary>Converts a YAML node to JSON: mappings to objects, sequences to arrays, scalars typed by the core schema.</summary>
    public static JsonNode? ToJson(YamlNode node, ConfigDiagnostics diagnostics)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name })
                    {
                        diagnostics.Report(key.Start, "'with' keys must be strings");
                        continue;
                    }

                    obj[name] = ToJson(value, diagnostics);
                }

                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var item in sequence.Children) array.Add(ToJson(item, diagnostics));
                return array;
            case YamlScalarNode scalar:
                if (IsNull(scalar)) return null;
                if (TryBool(scalar, out var b)) return JsonValue.Create(b);
                if (TryInteger(scalar, out var l, out _)) return l is >= int.MinValue and <= int.MaxValue ? JsonValue.Create((int)l) : JsonValue.Create(l);
                if (TryFloat(scalar, out var d)) return JsonValue.Create(d);
                return JsonValue.Create(scalar.Value ?? "");
            default:
                return null;
        }
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex DecimalInt();

    [GeneratedRegex(@"^0x[0-9a-fA-F]+$")]
    private static partial Regex HexInt();

    [GeneratedRegex(@"^0o[0-7]+$")]
    private static partial Regex OctalInt();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
