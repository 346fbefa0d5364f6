using System.Globalization;
using System.Text;

namespace Portway.Pipelines.VoiceProfiles;

/// <summary>
/// Measures a text as 8 numbers in 0..1 (the "hrv" vector). Deterministic: no culture, no randomness, no time.
/// </summary>
/// <remarks>
/// <para>Counts are over Unicode scalar values (runes), so a character outside the BMP counts once:</para>
/// <list type="bullet">
/// <item><c>nonspace</c>: runes that are not white space.</item>
/// <item><c>letters</c>: letters (L*); <c>upper</c>: uppercase letters (Lu); <c>vowels</c>: letters in <c>aeiouAEIOU</c>.</item>
/// <item><c>digits</c>: decimal digits (Nd); <c>punct</c>: punctuation (P*).</item>
/// <item>A <c>word</c> is a maximal run of letters, decimal digits and combining marks (M*);
/// <c>W</c> = number of words, <c>wordRunes</c> = runes in all words.</item>
/// <item><c>terminators</c>: the runes <c>.</c> <c>!</c> <c>?</c>; <c>sentences</c> = segments between terminators
/// (and the text's ends) that hold at least one word.</item>
/// </list>
/// <para>The dimensions (a ratio with a zero denominator is 0; every value is clamped to 0..1):</para>
/// <list type="number">
/// <item><c>[0]</c> word length: <c>min(1, (wordRunes / W) / 10)</c>, mean word length over 10 runes.</item>
/// <item><c>[1]</c> sentence length: <c>min(1, (W / sentences) / 40)</c>, mean words per sentence over 40.</item>
/// <item><c>[2]</c> punctuation density: <c>punct / nonspace</c>.</item>
/// <item><c>[3]</c> uppercase ratio: <c>upper / letters</c>.</item>
/// <item><c>[4]</c> vowel ratio: <c>vowels / letters</c> (Latin vowels only: 0 for a text in another script).</item>
/// <item><c>[5]</c> lexical diversity: <c>distinct words / W</c>, words compared lower-cased (invariant).</item>
/// <item><c>[6]</c> exclamation/question ratio: <c>count(! ?) / count(. ! ?)</c>.</item>
/// <item><c>[7]</c> digit ratio: <c>digits / nonspace</c>.</item>
/// </list>
/// <para>Values are rounded to 6 decimals (<see cref="VoiceVector.Round(double)"/>).</para>
/// </remarks>
internal static class TextFeatures
{
    /// <summary>The mean word length (in runes) that maps to 1.</summary>
    public const double WordLengthScale = 10;

    /// <summary>The mean sentence length (in words) that maps to 1.</summary>
    public const double SentenceLengthScale = 40;

    /// <summary>The 8 features of <paramref name="text"/>, each in 0..1, rounded to 6 decimals.</summary>
    public static double[] Measure(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        int nonspace = 0, letters = 0, upper = 0, vowels = 0, digits = 0, punct = 0;
        int words = 0, wordRunes = 0, sentences = 0, terminators = 0, emphatic = 0;
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        var word = new StringBuilder();
        var segmentHasWord = false;

        foreach (var rune in text.EnumerateRunes())
        {
            if (IsWordRune(rune))
            {
                word.Append(rune.ToString());
                wordRunes++;
            }
            else
            {
                EndWord();
            }

            if (Rune.IsWhiteSpace(rune))
            {
                continue;
            }

            nonspace++;
            if (Rune.IsLetter(rune))
            {
                letters++;
                if (Rune.IsUpper(rune))
                {
                    upper++;
                }

                if (rune.IsAscii && "aeiouAEIOU".Contains((char)rune.Value, StringComparison.Ordinal))
                {
                    vowels++;
                }
            }
            else if (Rune.IsDigit(rune))
            {
                digits++;
            }
            else if (Rune.IsPunctuation(rune))
            {
                punct++;
                if (rune.Value is '.' or '!' or '?')
                {
                    terminators++;
                    if (rune.Value != '.')
                    {
                        emphatic++;
                    }

                    if (segmentHasWord)
                    {
                        sentences++;
                        segmentHasWord = false;
                    }
                }
            }
        }

        EndWord();
        if (segmentHasWord)
        {
            sentences++;
        }

        double[] features =
        [
            Math.Min(1, Ratio(wordRunes, words) / WordLengthScale),
            Math.Min(1, Ratio(words, sentences) / SentenceLengthScale),
            Ratio(punct, nonspace),
            Ratio(upper, letters),
            Ratio(vowels, letters),
            Ratio(distinct.Count, words),
            Ratio(emphatic, terminators),
            Ratio(digits, nonspace),
        ];

        for (var i = 0; i < features.Length; i++)
        {
            features[i] = VoiceVector.Round(Math.Clamp(features[i], 0, 1));
        }

        return features;

        void EndWord()
        {
            if (word.Length == 0)
            {
                return;
            }

            words++;
            segmentHasWord = true;
            distinct.Add(word.ToString().ToLowerInvariant());
            word.Clear();
        }
    }

    private static bool IsWordRune(Rune rune) =>
        Rune.IsLetter(rune) || Rune.IsDigit(rune) || Rune.GetUnicodeCategory(rune) is
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    private static double Ratio(int part, int whole) => whole == 0 ? 0 : (double)part / whole;
}
