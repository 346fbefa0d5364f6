using Portway.Internal.Configuration;

namespace Portway.Framework.Tests.Configuration;

public sealed class DidYouMeanTests
{
    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "abc", 3)]
    [InlineData("same", "same", 0)]
    [InlineData("timout_ms", "timeout_ms", 1)]
    public void Distance_IsLevenshtein(string a, string b, int expected) => Assert.Equal(expected, DidYouMean.Distance(a, b));

    [Fact]
    public void Closest_Typo_ReturnsNearestCandidate() =>
        Assert.Equal("max_message_bytes", DidYouMean.Closest("max_mesage_bytes", ["max_body_bytes", "max_message_bytes", "timeout_ms"]));

    [Fact]
    public void Closest_NothingNear_ReturnsNull() => Assert.Null(DidYouMean.Closest("banana", ["platform", "web"]));

    [Fact]
    public void Closest_DifferentCaseOnly_Suggests() => Assert.Equal("String", DidYouMean.Closest("string", ["Int", "String"]));
}
