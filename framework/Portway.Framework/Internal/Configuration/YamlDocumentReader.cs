using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Portway.Internal.Configuration;

/// <summary>Parses YAML text into one document's root node; a syntax error becomes one problem at YamlDotNet's position.</summary>
internal static partial class YamlDocumentReader
{
    public static YamlNode? Read(string yamlText, ConfigDiagnostics diagnostics)
    {
        var stream = new YamlStream();
        try
        {
            if (!YamlBounds.Check(yamlText, diagnostics)) return null;
            using var reader = new StringReader(yamlText);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            if (TabIndentation(yamlText) is { } tab)
            {
                diagnostics.Report(tab, "a tab is used as indentation here; YAML indents with spaces");
                return null;
            }

            diagnostics.Report(ex.Start, "YAML syntax error: " + Describe(ex));
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // YamlDotNet's scanner throws these for some malformed input (an unclosed flow mapping, for one)
            // instead of a YamlException; report where the last well-formed token ended.
            if (TabIndentation(yamlText) is { } tab)
            {
                diagnostics.Report(tab, "a tab is used as indentation here; YAML indents with spaces");
                return null;
            }

            diagnostics.Report(LastGoodMark(yamlText), "YAML syntax error: the parser could not continue after this point (an unclosed '{', '[' or quote?)");
            return null;
        }

        if (stream.Documents.Count == 0 || IsEmpty(stream.Documents[0].RootNode))
        {
            diagnostics.Report(Mark.Empty, "the file is empty; expected a mapping with 'runtime' and 'pipelines'");
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            diagnostics.Report(stream.Documents[1].RootNode.Start, $"expected one YAML document, found {stream.Documents.Count}");
            return null;
        }

        return stream.Documents[0].RootNode;
    }

    /// <summary>
    /// Where the first tab in a line's indentation is, if any: YamlDotNet reports such a file at a position far
    /// from the tab (often 1:1), so a failed parse with a tab-indented line points at the tab instead.
    /// </summary>
    private static Mark? TabIndentation(string yamlText)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < yamlText.Length; i++)
        {
            var c = yamlText[i];
            if (c == '\n')
            {
                line++;
                lineStart = i + 1;
            }
            else if (c == '\t' && yamlText.AsSpan(lineStart, i - lineStart).Trim(' ').IsEmpty)
            {
                var rest = yamlText.AsSpan(i).TrimStart(" \t");
                if (rest.Length > 0 && rest[0] is not ('\n' or '\r' or '#'))
                {
                    return new Mark(i, line, i - lineStart + 1);
                }
            }
        }

        return null;
    }

    private static Mark LastGoodMark(string yamlText)
    {
        var last = Mark.Empty;
        try
        {
            var parser = new Parser(new StringReader(yamlText));
            while (parser.MoveNext())
            {
                if (parser.Current is { } current) last = current.End;
            }
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // Stop at the failure: 'last' is where parsing was still sound.
        }

        return last;
    }

    private static bool IsEmpty(YamlNode node) => node is YamlScalarNode scalar && YamlScalars.IsNull(scalar);

    /// <summary>YamlDotNet prefixes its messages with "(Line: 1, Col: 2, Idx: 3) - (...): "; the problem carries the position already.</summary>
    private static string Describe(YamlException ex)
    {
        var message = PositionPrefix().Replace(ex.Message, "");
        if (ex.InnerException is { } inner && !string.IsNullOrWhiteSpace(inner.Message) && message.Length < 40)
        {
            message = $"{message} ({PositionPrefix().Replace(inner.Message, "")})";
        }

        return message.Trim();
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex PositionPrefix();
}
