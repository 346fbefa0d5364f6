using Portway.Pipelines.VoiceProfiles;

namespace Portway.Pipelines.Tests.VoiceProfiles;

public sealed class ProfileGetNodeTests : IDisposable
{
    private readonly TempDataDir _dir = new();
    private readonly ProfilePutNode _put;
    private readonly ProfileGetNode _get;

    public ProfileGetNodeTests()
    {
        _put = new ProfilePutNode(_dir.Store);
        _get = new ProfileGetNode(_dir.Store);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Get_AfterPut_AnswersTheSameProfile()
    {
        double[] vector = [0.123456789, 0, 1, 0.5, 0.25, 0.75, 0.333, 0.999];
        var put = await NodeCall.OkAsync(_put, new { tenant = "acme", profile = "alice", vector });

        var got = await NodeCall.OkAsync(_get, new { tenant = "acme", profile = "alice" });

        Assert.Equal("acme", got.GetProperty("tenant").GetString());
        Assert.Equal("alice", got.GetProperty("profile").GetString());
        Assert.Equal(vector, NodeCall.Vector(got.GetProperty("vector")));
        Assert.Equal(NodeCall.Vector(put.GetProperty("vector")), NodeCall.Vector(got.GetProperty("vector")));
        Assert.False(got.TryGetProperty("created", out _));
    }

    [Fact]
    public async Task Get_MissingProfile_IsNotFound()
    {
        await NodeCall.OkAsync(_put, new { tenant = "acme", profile = "alice", vector = new double[8] });

        await NodeCall.FailsAsync(_get, new { tenant = "acme", profile = "bob" }, ErrorCode.NotFound);
    }

    [Fact]
    public async Task Get_UnknownTenant_IsNotFound()
    {
        await NodeCall.FailsAsync(_get, new { tenant = "nobody", profile = "alice" }, ErrorCode.NotFound);

        Assert.Empty(_dir.Entries());
    }

    [Fact]
    public async Task Get_ProfileOfAnotherTenant_IsNotFound()
    {
        await NodeCall.OkAsync(_put, new { tenant = "acme", profile = "alice", vector = new double[8] });

        await NodeCall.FailsAsync(_get, new { tenant = "globex", profile = "alice" }, ErrorCode.NotFound);
    }

    [Theory]
    [InlineData("../x", "alice", "tenant")]
    [InlineData("acme", "../acme/alice", "profile")]
    [InlineData("..", "data", "tenant")]
    [InlineData("acme", "", "profile")]
    public async Task Get_InvalidName_IsValidationFailedNamingTheField(string tenant, string profile, string field)
    {
        await NodeCall.OkAsync(_put, new { tenant = "acme", profile = "alice", vector = new double[8] });

        var message = await NodeCall.FailsAsync(_get, new { tenant, profile }, ErrorCode.ValidationFailed);

        Assert.StartsWith(field + " ", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_CorruptFile_IsInternal()
    {
        Directory.CreateDirectory(Path.Combine(_dir.DataDir, "acme"));
        await File.WriteAllTextAsync(Path.Combine(_dir.DataDir, "acme", "alice.json"), """{"vector":[0.1,""");

        await NodeCall.FailsAsync(_get, new { tenant = "acme", profile = "alice" }, ErrorCode.Internal);
    }
}
