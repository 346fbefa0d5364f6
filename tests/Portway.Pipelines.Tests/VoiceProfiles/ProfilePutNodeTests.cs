using Portway.Pipelines.VoiceProfiles;

namespace Portway.Pipelines.Tests.VoiceProfiles;

public sealed class ProfilePutNodeTests : IDisposable
{
    private static readonly double[] Alice = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
    private readonly TempDataDir _dir = new();
    private readonly ProfilePutNode _put;

    public ProfilePutNodeTests() => _put = new ProfilePutNode(_dir.Store);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Put_NewProfile_AnswersItWithCreatedTrueAndWritesOneFile()
    {
        var output = await NodeCall.OkAsync(_put, new { tenant = "acme", profile = "alice", vector = Alice });

        Assert.Equal("acme", output.GetProperty("tenant").GetString());
        Assert.Equal("alice", output.GetProperty("profile").GetString());
        Assert.Equal(Alice, NodeCall.Vector(output.GetProperty("vector")));
        Assert.True(output.GetProperty("created").GetBoolean());
        Assert.Equal(["data/acme", "data/acme/alice.json"], _dir.Entries());
    }

    [Fact]
    public async Task Put_ExistingProfile_ReplacesItWithCreatedFalse()
    {
        await NodeCall.OkAsync(_put, new { tenant = "acme", profile = "alice", vector = Alice });
        double[] replaced = [1, 1, 1, 1, 0, 0, 0, 0];

        var output = await NodeCall.OkAsync(_put, new { tenant = "acme", profile = "alice", vector = replaced });

        Assert.False(output.GetProperty("created").GetBoolean());
        Assert.Equal(replaced, await _dir.Store.GetAsync("acme", "alice", CancellationToken.None));
    }

    [Fact]
    public async Task Put_BoundaryValuesZeroAndOne_AreAccepted()
    {
        double[] vector = [0, 1, 0, 1, 0, 1, 0, 1];

        var output = await NodeCall.OkAsync(_put, new { tenant = "a", profile = new string('p', 64), vector });

        Assert.Equal(vector, NodeCall.Vector(output.GetProperty("vector")));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("")]
    [InlineData("alice\n")]
    [InlineData("al ice")]
    [InlineData("alïce")]
    [InlineData("/etc")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 65
    public async Task Put_InvalidTenant_IsValidationFailedAndWritesNothing(string tenant)
    {
        var message = await NodeCall.FailsAsync(_put, new { tenant, profile = "alice", vector = Alice }, ErrorCode.ValidationFailed);

        Assert.StartsWith("tenant ", message, StringComparison.Ordinal);
        Assert.Empty(_dir.Entries());
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 65
    public async Task Put_InvalidProfile_IsValidationFailedAndWritesNothing(string profile)
    {
        var message = await NodeCall.FailsAsync(_put, new { tenant = "acme", profile, vector = Alice }, ErrorCode.ValidationFailed);

        Assert.StartsWith("profile ", message, StringComparison.Ordinal);
        Assert.Empty(_dir.Entries());
    }

    [Fact]
    public async Task Put_NameWithDotDot_IsValidationFailed()
    {
        var message = await NodeCall.FailsAsync(_put, new { tenant = "..", profile = "..", vector = Alice }, ErrorCode.ValidationFailed);

        Assert.Contains("tenant", message, StringComparison.Ordinal);
        Assert.DoesNotContain(_dir.DataDir, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_MissingNames_IsValidationFailedNamingTheField()
    {
        Assert.Equal("tenant is required", await NodeCall.FailsAsync(_put, new { profile = "alice", vector = Alice }, ErrorCode.ValidationFailed));
        Assert.Equal("profile is required", await NodeCall.FailsAsync(_put, new { tenant = "acme", vector = Alice }, ErrorCode.ValidationFailed));
    }

    [Theory]
    [InlineData("[0.1,0.2,0.3,0.4,0.5,0.6,0.7]", "vector must have exactly 8 numbers, got 7")]
    [InlineData("[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9]", "vector must have exactly 8 numbers, got 9")]
    [InlineData("[]", "vector must have exactly 8 numbers, got 0")]
    [InlineData("[0.1,0.2,0.3,1.5,0.5,0.6,0.7,0.8]", "vector[3] must be between 0 and 1, got 1.5")]
    [InlineData("[0.1,0.2,0.3,0.4,0.5,0.6,0.7,-0.01]", "vector[7] must be between 0 and 1, got -0.01")]
    [InlineData("[0.1,0.2,\"NaN\",0.4,0.5,0.6,0.7,0.8]", "vector[2] must be a number, got a string")]
    [InlineData("[0.1,0.2,0.3,0.4,1e400,0.6,0.7,0.8]", "vector[4] must be a finite number")]
    [InlineData("[0.1,null,0.3,0.4,0.5,0.6,0.7,0.8]", "vector[1] must be a number, got null")]
    [InlineData("[0.1,0.2,0.3,0.4,0.5,0.6,true,0.8]", "vector[6] must be a number, got a boolean")]
    [InlineData("[[0.1],0.2,0.3,0.4,0.5,0.6,0.7,0.8]", "vector[0] must be a number, got an array")]
    [InlineData("\"0.1,0.2\"", "vector must be an array of 8 numbers from 0 to 1, got a string")]
    [InlineData("{\"0\":0.1}", "vector must be an array of 8 numbers from 0 to 1, got an object")]
    [InlineData("null", "vector is required: an array of 8 numbers from 0 to 1")]
    public async Task Put_BadVector_IsValidationFailedSayingWhichIndexAndWhy(string vectorJson, string expected)
    {
        var json = $$"""{"tenant":"acme","profile":"alice","vector":{{vectorJson}}}""";

        var message = await NodeCall.FailsAsync(_put, json, ErrorCode.ValidationFailed);

        Assert.Equal(expected, message);
        Assert.Empty(_dir.Entries());
    }

    [Fact]
    public async Task Put_MissingVector_IsValidationFailed()
    {
        var message = await NodeCall.FailsAsync(_put, """{"tenant":"acme","profile":"alice"}""", ErrorCode.ValidationFailed);

        Assert.StartsWith("vector is required", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"x\"")]
    [InlineData("{\"tenant\":42,\"profile\":\"alice\"}")]
    [InlineData("not json")]
    public async Task Put_InputThatIsNotTheExpectedObject_IsValidationFailed(string json)
    {
        await NodeCall.FailsAsync(_put, json, ErrorCode.ValidationFailed);

        Assert.Empty(_dir.Entries());
    }

    [Fact]
    public async Task Put_ExtraFields_AreIgnored()
    {
        var output = await NodeCall.OkAsync(_put, new { tenant = "acme", profile = "alice", vector = Alice, note = "hi" });

        Assert.False(output.TryGetProperty("note", out _));
    }
}
