using GraphQL.Execution;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>
/// Bounds the work a document can cause before graphql-dotnet validates it: at most <c>max_tokens</c> tokens
/// (counted by the lexer, linear, before any parse), a parse nested at most <see cref="MaxParseDepth"/> AST levels,
/// and at most <c>max_fields</c> field selections once every fragment spread is expanded (counted with one memo per
/// fragment, so a fragment fan-out of 2^30 is priced in 30 steps). A document over any bound is
/// <c>validation_failed</c> before validation runs, so validation's own work (overlapping-field checks are quadratic
/// in the fields) stays bounded too. The parsed document is handed to the executer, which does not parse it again.
/// </summary>
internal static class GraphQLDocumentGuard
{
    /// <summary>graphql-dotnet's own default parse depth (AST nodes); deeper is a rejection, not an internal error.</summary>
    public const int MaxParseDepth = 128;

    /// <summary>Fragments spread inside fragments at most this deep (a chain of thousands would only be a deep stack).</summary>
    public const int MaxFragmentNesting = 64;

    /// <summary>
    /// Null when the document is within bounds, with <paramref name="document"/> parsed (or null when it does not
    /// parse: the executer then reports the syntax error in its usual form); else the rejection.
    /// </summary>
    public static PortwayError? Check(string query, int maxTokens, int maxFields, out GraphQLDocument? document)
    {
        document = null;
        if (CountTokens(query, maxTokens) is var tokens && tokens > maxTokens)
        {
            return new PortwayError(ErrorCode.ValidationFailed, $"the document has more than max_tokens ({maxTokens}) tokens");
        }

        try
        {
            document = new GraphQLDocumentBuilder { MaxDepth = MaxParseDepth }.Build(query);
        }
        catch (GraphQLMaxDepthExceededException)
        {
            return new PortwayError(ErrorCode.ValidationFailed, $"the document is nested too deeply (over {MaxParseDepth} levels of syntax)");
        }
        catch (Exception ex) when (ex is GraphQLParserException or SyntaxError)
        {
            // A syntax error: the executer parses the text again and reports it in its usual form (lexing is bounded above).
            document = null;
            return null;
        }

        var (fields, tooDeep) = ExpandedFields(document, maxFields);
        if (tooDeep)
        {
            return new PortwayError(ErrorCode.ValidationFailed, $"fragments are spread inside fragments more than {MaxFragmentNesting} deep");
        }

        return fields > maxFields
            ? new PortwayError(ErrorCode.ValidationFailed,
                $"the document selects more than max_fields ({maxFields}) fields once its fragments are expanded")
            : null;
    }

    /// <summary>Tokens up to <paramref name="limit"/> + 1 (then stops); a lexing error stops the count (the parse reports it).</summary>
    private static int CountTokens(string query, int limit)
    {
        var count = 0;
        var position = 0;
        try
        {
            while (count <= limit)
            {
                var token = Lexer.Lex(query, position);
                if (token.Kind == TokenKind.EOF)
                {
                    break;
                }

                count++;
                position = token.End;
            }
        }
        catch (GraphQLParserException)
        {
        }

        return count;
    }

    /// <summary>The field selections of every operation with fragment spreads expanded, saturating just over <paramref name="limit"/>.</summary>
    private static (long Fields, bool TooDeep) ExpandedFields(GraphQLDocument document, int limit)
    {
        var fragments = new Dictionary<string, GraphQLFragmentDefinition>(StringComparer.Ordinal);
        foreach (var definition in document.Definitions)
        {
            if (definition is GraphQLFragmentDefinition fragment)
            {
                fragments.TryAdd(fragment.FragmentName.Name.StringValue, fragment);
            }
        }

        var counter = new Counter(fragments, limit + 1L);
        long total = 0;
        foreach (var definition in document.Definitions)
        {
            if (definition is GraphQLOperationDefinition operation)
            {
                total = counter.Add(total, counter.Count(operation.SelectionSet));
            }
        }

        return (total, counter.TooDeep);
    }

    private sealed class Counter(Dictionary<string, GraphQLFragmentDefinition> fragments, long cap)
    {
        private readonly Dictionary<string, long> _memo = new(StringComparer.Ordinal);
        private readonly HashSet<string> _inProgress = new(StringComparer.Ordinal);

        public bool TooDeep { get; private set; }

        public long Add(long a, long b) => Math.Min(cap, a + b);

        public long Count(GraphQLSelectionSet? set)
        {
            if (set is null)
            {
                return 0;
            }

            long total = 0;
            foreach (var selection in set.Selections)
            {
                total = Add(total, selection switch
                {
                    GraphQLField field => Add(1, Count(field.SelectionSet)),
                    GraphQLInlineFragment inline => Count(inline.SelectionSet),
                    GraphQLFragmentSpread spread => Fragment(spread.FragmentName.Name.StringValue),
                    _ => 0,
                });
                if (total >= cap)
                {
                    return cap;
                }
            }

            return total;
        }

        private long Fragment(string name)
        {
            if (_memo.TryGetValue(name, out var known))
            {
                return known;
            }

            // An unknown fragment or a cycle counts nothing here; validation reports it.
            if (!fragments.TryGetValue(name, out var fragment) || !_inProgress.Add(name))
            {
                return 0;
            }

            if (_inProgress.Count > MaxFragmentNesting)
            {
                TooDeep = true;
                _inProgress.Remove(name);
                return cap;
            }

            var count = Count(fragment.SelectionSet);
            _inProgress.Remove(name);
            _memo[name] = count;
            return count;
        }
    }
}
