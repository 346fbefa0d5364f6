using Portway.Pipelines.VoiceProfiles;

namespace Portway.Pipelines.Tests.VoiceProfiles;

public sealed class TextFeaturesTests
{
    // Worked by hand from the formulas in TextFeatures / README.md:
    // runes 22, white space 4 -> nonspace 18; words Hello world Is it OK -> W 5, wordRunes 16;
    // sentences "Hello world." "Is it OK?" -> 2; punct . ? -> 2; letters 16, upper H I O K -> 4;
    // vowels e o o I i O -> 6; distinct 5; terminators 2 of which ? -> 1; digits 0.
    [Fact]
    public void Measure_HelloWorld_IsTheHandComputedVector() =>
        Assert.Equal([0.32, 0.0625, 0.111111, 0.25, 0.375, 1, 0.5, 0], TextFeatures.Measure("Hello world. Is it OK?"));

    // runes 21, nonspace 17; words Go go GO Call 911 -> W 5, wordRunes 13; sentences 2 (! and ?);
    // punct , , ! ? -> 4; letters 10, upper G G O C -> 4, vowels o o O a -> 4; distinct go call 911 -> 3;
    // terminators 2, both emphatic; digits 3.
    [Fact]
    public void Measure_TextWithRepeatsAndDigits_IsTheHandComputedVector() =>
        Assert.Equal([0.26, 0.0625, 0.235294, 0.4, 0.4, 0.6, 1, 0.176471], TextFeatures.Measure("Go, go, GO! Call 911?"));

    [Fact]
    public void Measure_OnlyPunctuation_HasNoWordFeatures() =>
        Assert.Equal([0, 0, 1, 0, 0, 0, 0.4, 0], TextFeatures.Measure("?!..."));

    [Fact]
    public void Measure_SameTextTwice_IsTheSameVector()
    {
        const string text = "The quick brown fox jumps over the lazy dog! Does it? 42 times...";

        Assert.Equal(TextFeatures.Measure(text), TextFeatures.Measure(text));
    }

    [Fact]
    public void Measure_OneLongWord_CapsWordLengthAtOne()
    {
        var features = TextFeatures.Measure(new string('a', 10_000));

        Assert.Equal([1, 0.025, 0, 0, 1, 1, 0, 0], features);
    }

    [Fact]
    public void Measure_LongSentence_CapsSentenceLengthAtOne()
    {
        var features = TextFeatures.Measure(string.Join(' ', Enumerable.Repeat("word", 400)));

        Assert.Equal(1, features[1]);
        Assert.Equal(0.0025, features[5]); // 1 distinct of 400
    }

    [Fact]
    public void Measure_AstralCharacter_CountsAsOneRune()
    {
        // "𝐀" (U+1D400, Lu) is one letter written as two UTF-16 chars; "😀" (So) is neither letter nor punctuation.
        var features = TextFeatures.Measure("𝐀b 😀");

        Assert.Equal(0.2, features[0]); // one word of 2 runes
        Assert.Equal(0.5, features[3]); // 1 upper of 2 letters
        Assert.Equal(0, features[2]);
    }

    [Fact]
    public void Measure_CombiningMarks_StayInsideTheWord()
    {
        // "e\u0301te" is one word of 4 runes (the accent is a combining mark), not two words.
        var features = TextFeatures.Measure("e\u0301te");

        Assert.Equal(0.4, features[0]);
        Assert.Equal(1.0 / 40, features[1]);
    }

    [Theory]
    [InlineData("!")]
    [InlineData("...")]
    [InlineData("😀😀😀")]
    [InlineData("日本語のテキスト。とても良い！")]
    [InlineData("Ünïcödé ТЕКСТ ελληνικά العربية")]
    [InlineData("123 456 7890")]
    [InlineData("A")]
    [InlineData("\u0000\u0001 \uFFFD")]
    [InlineData("\uD800 lone surrogate")]
    [InlineData("?!?!?!?!?!?!?!?!?!")]
    [InlineData("a.b.c.d.e.f.g.h.i.j")]
    [InlineData("ALL CAPS SHOUTING!!!")]
    public void Measure_OddText_HasEightDimensionsEachInZeroToOne(string text)
    {
        var features = TextFeatures.Measure(text);

        Assert.Equal(8, features.Length);
        Assert.All(features, f => Assert.InRange(f, 0, 1));
        Assert.All(features, f => Assert.Equal(Math.Round(f, 6), f));
    }

    [Fact]
    public void Measure_VeryLongMixedText_HasEightDimensionsEachInZeroToOne()
    {
        var text = string.Concat(Enumerable.Repeat("Wow!! Ünïcödé 42, ok? ", 500))[..10_000];

        var features = TextFeatures.Measure(text);

        Assert.All(features, f => Assert.InRange(f, 0, 1));
    }
}
