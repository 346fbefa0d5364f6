using System.Text.RegularExpressions;

namespace Portway.Internal.Configuration;

/// <summary>Parses a GraphQL type reference: <c>T</c>, <c>T!</c>, <c>[T]</c>, <c>[T!]!</c>, nested lists.</summary>
internal static partial class GraphQLTypeRef
{
    /// <summary>The named type at the core of <paramref name="typeRef"/>; false when it is not well formed.</summary>
    public static bool TryGetNamedType(string typeRef, out string name)
    {
        name = "";
        var text = typeRef.Replace(" ", "", StringComparison.Ordinal);
        if (text.EndsWith('!')) text = text[..^1];
        if (text.StartsWith('[') && text.EndsWith(']'))
        {
            var inner = text[1..^1];
            return inner.Length > 0 && !inner.EndsWith("!!", StringComparison.Ordinal) && TryGetNamedType(inner, out name);
        }

        if (!Name().IsMatch(text)) return false;
        name = text;
        return true;
    }

    public static bool IsName(string text) => Name().IsMatch(text);

    [GeneratedRegex(@"^[_A-Za-z][_0-9A-Za-z]*$")]
    private static partial Regex Name();
}
