using System.Text.Unicode;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>
/// Finds a query-string parameter whose percent-decoded bytes are not UTF-8 (<c>?query=%FF</c>). ASP.NET Core's
/// query parsing turns such bytes into U+FFFD silently; a GraphQL GET must refuse them instead, as an invalid UTF-8
/// body is refused.
/// </summary>
internal static class QueryStringUtf8
{
    /// <summary>The name (as sent) of the first parameter whose name or value is not UTF-8 once decoded; null when all are.</summary>
    public static string? FirstInvalid(string? rawQuery)
    {
        if (string.IsNullOrEmpty(rawQuery) || !rawQuery.Contains('%', StringComparison.Ordinal))
        {
            return null;
        }

        var text = rawQuery.AsSpan(rawQuery[0] == '?' ? 1 : 0);
        while (text.Length > 0)
        {
            var end = text.IndexOf('&');
            var pair = end < 0 ? text : text[..end];
            text = end < 0 ? [] : text[(end + 1)..];
            if (pair.Contains('%') && !DecodesToUtf8(pair))
            {
                var eq = pair.IndexOf('=');
                return (eq < 0 ? pair : pair[..eq]).ToString();
            }
        }

        return null;
    }

    private static bool DecodesToUtf8(ReadOnlySpan<char> pair)
    {
        // Name and value alike: '=' is ASCII, so decoding the whole pair at once checks both.
        var bytes = pair.Length <= 512 ? stackalloc byte[pair.Length] : new byte[pair.Length];
        var length = 0;
        for (var i = 0; i < pair.Length; i++)
        {
            var c = pair[i];
            if (c == '%' && i + 2 < pair.Length && Uri.IsHexDigit(pair[i + 1]) && Uri.IsHexDigit(pair[i + 2]))
            {
                bytes[length++] = (byte)((Uri.FromHex(pair[i + 1]) << 4) | Uri.FromHex(pair[i + 2]));
                i += 2;
            }
            else if (c > 0x7F)
            {
                // Not percent-encoded: the server already decoded it as text; it is valid by construction.
                bytes[length++] = (byte)'x';
            }
            else
            {
                bytes[length++] = (byte)c;
            }
        }

        return Utf8.IsValid(bytes[..length]);
    }
}
