using Portway.Pipelines.VoiceProfiles;

namespace Portway.Pipelines.Tests.VoiceProfiles;

public sealed class VoiceProfileNamesTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("acme")]
    [InlineData("Alice_01-x")]
    [InlineData("-")]
    [InlineData("_")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 64
    public void IsValid_AllowedName_IsTrue(string name) => Assert.True(VoiceProfileNames.IsValid(name));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a.json")]
    [InlineData("alice\n")]
    [InlineData("\nalice")]
    [InlineData("al ice")]
    [InlineData("alice\0")]
    [InlineData("ａｌｉｃｅ")] // full-width letters
    [InlineData("١٢٣")] // Arabic-Indic digits
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 65
    public void IsValid_OtherName_IsFalse(string? name) => Assert.False(VoiceProfileNames.IsValid(name));

    [Fact]
    public void Check_InvalidName_NamesTheFieldAndNotTheValue()
    {
        var error = VoiceProfileNames.Check("../etc", "tenant");

        Assert.Equal(ErrorCode.ValidationFailed, error!.Code);
        Assert.StartsWith("tenant ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("../etc", error.Message, StringComparison.Ordinal);
    }
}
