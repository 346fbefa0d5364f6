using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Portway.Internal.Configuration;

/// <summary>
/// Reads one YAML mapping against the keys its schema allows: reports unknown keys (with a did-you-mean) when
/// created, then hands out typed values, reporting wrong types, missing required keys and out-of-range values.
/// Every read records the value's position in the <see cref="SourceMap"/> under the owner object.
/// </summary>
internal sealed class MappingReader
{
    private readonly Dictionary<string, (YamlScalarNode Key, YamlNode Value)> _entries = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<string> _allowed;
    private readonly string _what;
    private readonly ConfigDiagnostics _diagnostics;
    private readonly SourceMap _map;
    private readonly object _owner;

    public MappingReader(YamlMappingNode? node, Mark at, string what, IReadOnlyList<string> allowed, object owner, ConfigDiagnostics diagnostics, SourceMap map)
    {
        Start = node?.Start ?? at;
        _what = what;
        _allowed = allowed;
        _owner = owner;
        _diagnostics = diagnostics;
        _map = map;
        map.Record(owner, "", Start);
        if (node is null) return;

        foreach (var (key, value) in node.Children)
        {
            if (key is not YamlScalarNode { Value: { } name } scalarKey)
            {
                diagnostics.Report(key.Start, $"keys in {what} must be strings");
                continue;
            }

            if (!allowed.Contains(name, StringComparer.Ordinal))
            {
                diagnostics.Report(key.Start, $"unknown key '{name}' in {what}{DidYouMean.Suffix(name, allowed)}");
                continue;
            }

            _entries[name] = (scalarKey, value);
        }
    }

    /// <summary>Where the mapping starts.</summary>
    public Mark Start { get; }

    /// <summary>True when <paramref name="key"/> is present (null values count as absent).</summary>
    public bool Has(string key) => TryGet(key, out _);

    /// <summary>The value of <paramref name="key"/>, when present and not null.</summary>
    public bool TryGet(string key, out YamlNode value)
    {
        System.Diagnostics.Debug.Assert(_allowed.Contains(key), $"'{key}' is not in the schema of {_what}");
        if (_entries.TryGetValue(key, out var entry) && !(entry.Value is YamlScalarNode s && YamlScalars.IsNull(s)))
        {
            value = entry.Value;
            _map.Record(_owner, key, value.Start);
            return true;
        }

        value = null!;
        return false;
    }

    /// <summary>Reports <paramref name="key"/> missing when it is, and says whether it is present.</summary>
    public bool Require(string key)
    {
        if (Has(key)) return true;
        var present = _entries.TryGetValue(key, out var entry);
        _diagnostics.Report(present ? entry.Key.Start : Start, present
            ? $"{key}: a value is required"
            : $"missing required key '{key}' in {_what}");
        return false;
    }

    public string? String(string key, bool required = false)
    {
        if (required ? !Require(key) : !TryGet(key, out _)) return null;
        TryGet(key, out var node);
        var value = AsString(node, key);
        if (required && value is not null && value.Trim().Length == 0)
        {
            _diagnostics.Report(node.Start, $"{key}: must not be empty");
            return null;
        }

        return value;
    }

    public void String(string key, Action<string> set, bool required = false)
    {
        if (String(key, required) is { } value) set(value);
    }

    public void Int(string key, Action<int> set, int min = 1, int max = int.MaxValue)
    {
        if (!TryGet(key, out var node)) return;
        if (node is not YamlScalarNode scalar)
        {
            _diagnostics.Report(node.Start, $"{key}: expected an integer, got {Describe(node)}");
            return;
        }

        if (!YamlScalars.TryInteger(scalar, out var value, out var overflow))
        {
            _diagnostics.Report(node.Start, overflow
                ? $"{key}: {RangeText(min, max, scalar.Value!.StartsWith('-') ? long.MinValue : long.MaxValue)}, got {scalar.Value}"
                : $"{key}: expected an integer, got {Describe(node)}");
            return;
        }

        if (value < min || value > max)
        {
            _diagnostics.Report(node.Start, $"{key}: {RangeText(min, max, value)}, got {value.ToString(CultureInfo.InvariantCulture)}");
            return;
        }

        set((int)value);
    }

    /// <summary>A plain (unquoted) number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public void Double(string key, Action<double> set, double min, double max)
    {
        if (!TryGet(key, out var node)) return;
        if (node is not YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar
            || !double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            _diagnostics.Report(node.Start, $"{key}: expected a number, got {Describe(node)}");
            return;
        }

        if (value < min || value > max)
        {
            _diagnostics.Report(node.Start, string.Create(CultureInfo.InvariantCulture, $"{key}: expected a number from {min} to {max}, got {scalar.Value}"));
            return;
        }

        set(value);
    }

    public void Bool(string key, Action<bool> set)
    {
        if (!TryGet(key, out var node)) return;
        if (node is YamlScalarNode scalar && YamlScalars.TryBool(scalar, out var value))
        {
            set(value);
            return;
        }

        _diagnostics.Report(node.Start, $"{key}: expected true or false, got {Describe(node)}");
    }

    public void Enum(string key, IReadOnlyList<string> allowed, Action<string> set, bool required = false)
    {
        if (String(key, required) is not { } value) return;
        if (allowed.Contains(value, StringComparer.Ordinal))
        {
            set(value);
            return;
        }

        TryGet(key, out var node);
        _diagnostics.Report(node.Start, $"{key}: expected one of {string.Join(", ", allowed)}, got '{value}'{DidYouMean.Suffix(value, allowed)}");
    }

    public YamlMappingNode? Mapping(string key, bool required = false)
    {
        if (required ? !Require(key) : !Has(key)) return null;
        TryGet(key, out var node);
        if (node is YamlMappingNode mapping) return mapping;
        _diagnostics.Report(node.Start, $"{key}: expected a mapping, got {Describe(node)}");
        return null;
    }

    public YamlSequenceNode? Sequence(string key, bool required = false)
    {
        if (required ? !Require(key) : !Has(key)) return null;
        TryGet(key, out var node);
        if (node is YamlSequenceNode sequence) return sequence;
        _diagnostics.Report(node.Start, $"{key}: expected a list, got {Describe(node)}");
        return null;
    }

    /// <summary>A list of strings; each item's position is recorded as <c>key[i]</c>.</summary>
    public List<string>? StringList(string key, object? owner = null)
    {
        if (Sequence(key) is not { } sequence) return null;
        var list = new List<string>(sequence.Children.Count);
        foreach (var item in sequence.Children)
        {
            if (AsString(item, key) is { } value)
            {
                _map.Record(owner ?? _owner, $"{key}[{list.Count}]", item.Start);
                list.Add(value);
            }
        }

        return list;
    }

    private string? AsString(YamlNode node, string key)
    {
        if (node is YamlScalarNode scalar && !YamlScalars.IsNull(scalar)) return scalar.Value ?? "";
        _diagnostics.Report(node.Start, $"{key}: expected a string, got {Describe(node)}");
        return null;
    }

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s when YamlScalars.IsNull(s) => "null",
        YamlScalarNode s when !YamlScalars.IsPlain(s) => $"the quoted string '{s.Value}'",
        YamlScalarNode s => $"'{s.Value}'",
        _ => "an alias",
    };

    private static string RangeText(int min, int max, long value) => max != int.MaxValue
        ? $"must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}"
        : value < min
            ? $"must be at least {min.ToString(CultureInfo.InvariantCulture)}"
            : $"must be at most {max.ToString(CultureInfo.InvariantCulture)}";
}
