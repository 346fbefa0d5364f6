using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Portway.Internal.Configuration;

/// <summary>
/// Checks a YAML text's shape before any tree is built from it, on the parser's event stream (which keeps its own
/// stack, so depth cannot overflow ours): nesting no deeper than <see cref="MaxDepth"/>, and no more than
/// <see cref="MaxNodes"/> nodes once every alias is expanded (a "billion laughs" chain is refused here, under any
/// key, before the binder or the <c>with:</c> conversion walks it).
/// </summary>
internal static class YamlBounds
{
    /// <summary>Deepest nesting of mappings and sequences accepted. A Portway config needs about six levels.</summary>
    public const int MaxDepth = 32;

    /// <summary>Most nodes (scalars, mappings, sequences) a document may hold after its aliases are expanded.</summary>
    public const long MaxNodes = 100_000;

    /// <summary>True when the text stays within the bounds; otherwise reports one located problem.</summary>
    public static bool Check(string yamlText, ConfigDiagnostics diagnostics)
    {
        var parser = new Parser(new StringReader(yamlText));
        var anchors = new Dictionary<string, long>(StringComparer.Ordinal);
        var frames = new Stack<(long Nodes, string? Anchor)>();
        long total = 0;
        while (parser.MoveNext())
        {
            long size;
            switch (parser.Current)
            {
                case MappingStart or SequenceStart:
                    var start = (NodeEvent)parser.Current;
                    if (frames.Count >= MaxDepth)
                    {
                        diagnostics.Report(start.Start, string.Create(CultureInfo.InvariantCulture,
                            $"nesting deeper than {MaxDepth} levels; a config is never this deep"));
                        return false;
                    }

                    frames.Push((1, start.Anchor.IsEmpty ? null : start.Anchor.Value));
                    size = 1;
                    break;
                case MappingEnd or SequenceEnd:
                    var (nodes, anchor) = frames.Pop();
                    if (anchor is not null) anchors[anchor] = nodes;
                    if (frames.Count > 0) AddToTop(frames, nodes);
                    continue;
                case AnchorAlias alias:
                    // An unknown alias is YamlDotNet's error to report when the tree is built.
                    size = anchors.GetValueOrDefault(alias.Value.Value, 1);
                    if (frames.Count > 0) AddToTop(frames, size);
                    break;
                case Scalar scalar:
                    size = 1;
                    if (!scalar.Anchor.IsEmpty) anchors[scalar.Anchor.Value] = 1;
                    if (frames.Count > 0) AddToTop(frames, size);
                    break;
                default:
                    continue;
            }

            total = total > MaxNodes - size ? MaxNodes + 1 : total + size;
            if (total > MaxNodes)
            {
                diagnostics.Report(parser.Current!.Start, string.Create(CultureInfo.InvariantCulture,
                    $"the document expands to more than {MaxNodes} nodes once its aliases are expanded (an alias bomb?)"));
                return false;
            }
        }

        return true;
    }

    private static void AddToTop(Stack<(long Nodes, string? Anchor)> frames, long size)
    {
        var (nodes, anchor) = frames.Pop();
        frames.Push((nodes > MaxNodes - size ? MaxNodes + 1 : nodes + size, anchor));
    }
}
