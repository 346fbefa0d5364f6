using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Portway.Configuration;

namespace Portway.Internal.Configuration;

/// <summary>
/// An <see cref="IConfiguration"/> section (appsettings.json, environment variables...) written as the YAML the loader
/// reads: children keyed 0..n-1 become a sequence, numbers and booleans stay unquoted, every other value is a quoted
/// string. Each line remembers its key path, so a problem is reported against the section's key, not the generated text.
/// </summary>
internal sealed class ConfigurationYaml
{
    private readonly StringBuilder _text = new();
    private readonly List<string> _pathOfLine = [""];
    private readonly string _prefix;

    private ConfigurationYaml(string sectionPath)
    {
        SectionPath = sectionPath;
        _prefix = sectionPath.Length == 0 ? "" : sectionPath + ":";
    }

    public string Text => _text.ToString();

    /// <summary>The section's key path (empty for the root).</summary>
    public string SectionPath { get; }

    /// <summary>What problems are reported under: <c>configuration[PATH]</c>.</summary>
    public string SourceName => $"configuration[{SectionPath}]";

    public static ConfigurationYaml From(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var yaml = new ConfigurationYaml(section is IConfigurationSection s ? s.Path : "");
        yaml.WriteMapping(section.GetChildren().ToArray(), 0);
        return yaml;
    }

    /// <summary>A problem of the generated text, restated against the configuration key it came from (line and column stay those of the generated YAML).</summary>
    public ConfigProblem Restate(ConfigProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var path = problem.Line >= 1 && problem.Line < _pathOfLine.Count ? _pathOfLine[problem.Line] : "";
        return path.Length == 0 ? problem : problem with { Message = $"at key '{path}': {problem.Message}" };
    }

    private void WriteMapping(IConfigurationSection[] children, int indent)
    {
        foreach (var child in children)
        {
            var grandChildren = child.GetChildren().ToArray();
            if (grandChildren.Length == 0)
            {
                Line(indent, Key(child.Key) + ": " + Scalar(child.Value), child.Path);
            }
            else
            {
                Line(indent, Key(child.Key) + ":", child.Path);
                WriteNode(grandChildren, indent + 2);
            }
        }
    }

    private void WriteNode(IConfigurationSection[] children, int indent)
    {
        if (!IsSequence(children))
        {
            WriteMapping(children, indent);
            return;
        }

        foreach (var item in children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture)))
        {
            var itemChildren = item.GetChildren().ToArray();
            if (itemChildren.Length == 0)
            {
                Line(indent, "- " + Scalar(item.Value), item.Path);
            }
            else
            {
                Line(indent, "-", item.Path);
                WriteNode(itemChildren, indent + 2);
            }
        }
    }

    private static bool IsSequence(IConfigurationSection[] children)
    {
        var keys = new HashSet<int>();
        foreach (var child in children)
        {
            if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || !keys.Add(index))
            {
                return false;
            }
        }

        return keys.Count > 0 && keys.Min() == 0 && keys.Max() == keys.Count - 1;
    }

    private void Line(int indent, string content, string path)
    {
        _text.Append(' ', indent).Append(content).Append('\n');
        _pathOfLine.Add(path.StartsWith(_prefix, StringComparison.OrdinalIgnoreCase) ? path[_prefix.Length..] : path);
    }

    private static string Key(string key) => JsonSerializer.Serialize(key);

    private static string Scalar(string? value)
    {
        if (value is null)
        {
            return "null";
        }

        var isNumber = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && value.Trim() == value && value.Length > 0 && value[0] is not '+';
        return isNumber || value is "true" or "false" ? value : JsonSerializer.Serialize(value);
    }
}
