using Portway.Pipelines.VoiceProfiles;

namespace Portway.Pipelines.Tests.VoiceProfiles;

public sealed class ExtractNodeTests
{
    private readonly ExtractNode _extract = new();

    [Fact]
    public async Task Extract_KnownText_AnswersTheHandComputedVectorAndCarriesNamesThrough()
    {
        var output = await NodeCall.OkAsync(_extract, new { tenant = "acme", profile_name = "alice", text = "Hello world. Is it OK?" });

        Assert.Equal("acme", output.GetProperty("tenant").GetString());
        Assert.Equal("alice", output.GetProperty("profile_name").GetString());
        Assert.Equal([0.32, 0.0625, 0.111111, 0.25, 0.375, 1, 0.5, 0], NodeCall.Vector(output.GetProperty("hrv")));
    }

    [Fact]
    public async Task Extract_SameTextTwice_AnswersTheSameBytes()
    {
        var input = """{"tenant":"acme","profile_name":"alice","text":"Is this stable? It is 100% stable!"}""";

        var first = await NodeCall.InvokeAsync(_extract, input);
        var second = await NodeCall.InvokeAsync(_extract, input);

        Assert.True(first.IsSuccess);
        Assert.Equal(first.Payload.ToArray(), second.Payload.ToArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\n\t  \r\n")]
    public async Task Extract_EmptyOrWhiteSpaceText_IsValidationFailed(string text)
    {
        var message = await NodeCall.FailsAsync(_extract, new { tenant = "acme", profile_name = "alice", text }, ErrorCode.ValidationFailed);

        Assert.StartsWith("text ", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extract_MissingText_IsValidationFailed()
    {
        Assert.Equal("text is required", await NodeCall.FailsAsync(_extract, new { tenant = "acme", profile_name = "alice" }, ErrorCode.ValidationFailed));
    }

    [Fact]
    public async Task Extract_TextOfMaxLength_IsAccepted()
    {
        var output = await NodeCall.OkAsync(_extract, new { tenant = "acme", profile_name = "alice", text = new string('x', ExtractNode.MaxTextLength) });

        Assert.All(NodeCall.Vector(output.GetProperty("hrv")), f => Assert.InRange(f, 0, 1));
    }

    [Fact]
    public async Task Extract_TextOverMaxLength_IsValidationFailed()
    {
        var message = await NodeCall.FailsAsync(
            _extract, new { tenant = "acme", profile_name = "alice", text = new string('x', ExtractNode.MaxTextLength + 1) }, ErrorCode.ValidationFailed);

        Assert.Equal("text must be at most 10000 characters, got 10001", message);
    }

    [Theory]
    [InlineData("?!...")]
    [InlineData("日本語のテキスト。")]
    [InlineData("😀")]
    public async Task Extract_OddText_AnswersEightDimensionsInZeroToOne(string text)
    {
        var output = await NodeCall.OkAsync(_extract, new { tenant = "acme", profile_name = "alice", text });

        var hrv = NodeCall.Vector(output.GetProperty("hrv"));
        Assert.Equal(8, hrv.Length);
        Assert.All(hrv, f => Assert.InRange(f, 0, 1));
    }

    [Theory]
    [InlineData("../x", "alice", "tenant")]
    [InlineData("acme", "a/b", "profile_name")]
    [InlineData("acme", "..", "profile_name")]
    [InlineData("acme", null, "profile_name")]
    public async Task Extract_InvalidName_IsValidationFailedNamingTheField(string tenant, string? profileName, string field)
    {
        var message = await NodeCall.FailsAsync(_extract, new { tenant, profile_name = profileName, text = "hi" }, ErrorCode.ValidationFailed);

        Assert.StartsWith(field + " ", message, StringComparison.Ordinal);
    }
}
