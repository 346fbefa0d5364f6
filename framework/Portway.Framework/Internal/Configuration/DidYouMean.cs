namespace Portway.Internal.Configuration;

/// <summary>Suggests the closest allowed name (Levenshtein distance) for a misspelt one.</summary>
internal static class DidYouMean
{
    /// <summary>The closest candidate when it is close enough to be a likely typo, else null. Ties go to the first candidate.</summary>
    public static string? Closest(string input, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(input);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(input.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        var limit = Math.Max(2, input.Length / 3);
        return best is not null && bestDistance <= limit && bestDistance < input.Length && !string.Equals(best, input, StringComparison.Ordinal)
            ? best
            : null;
    }

    /// <summary><c>"; did you mean 'x'?"</c> or empty.</summary>
    public static string Suffix(string input, IEnumerable<string> candidates) =>
        Closest(input, candidates) is { } match ? $"; did you mean '{match}'?" : "";

    /// <summary>The Levenshtein edit distance (insert, delete, substitute each cost 1).</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
