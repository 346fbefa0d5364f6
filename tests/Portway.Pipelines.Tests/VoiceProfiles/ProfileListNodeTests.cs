using Portway.Pipelines.VoiceProfiles;

namespace Portway.Pipelines.Tests.VoiceProfiles;

public sealed class ProfileListNodeTests : IDisposable
{
    private readonly TempDataDir _dir = new();
    private readonly ProfilePutNode _put;
    private readonly ProfileListNode _list;

    public ProfileListNodeTests()
    {
        _put = new ProfilePutNode(_dir.Store);
        _list = new ProfileListNode(_dir.Store);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task List_AfterPuts_AnswersNamesInOrdinalOrder()
    {
        foreach (var name in new[] { "bob", "Zed", "alice", "_x", "-y", "Alice", "10", "9" })
        {
            await NodeCall.OkAsync(_put, new { tenant = "acme", profile = name, vector = new double[8] });
        }

        var output = await NodeCall.OkAsync(_list, new { tenant = "acme" });

        Assert.Equal("acme", output.GetProperty("tenant").GetString());
        Assert.Equal(
            ["-y", "10", "9", "Alice", "Zed", "_x", "alice", "bob"],
            output.GetProperty("profiles").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    [Fact]
    public async Task List_UnknownTenant_AnswersEmptyList()
    {
        var output = await NodeCall.OkAsync(_list, new { tenant = "nobody" });

        Assert.Equal("nobody", output.GetProperty("tenant").GetString());
        Assert.Equal(0, output.GetProperty("profiles").GetArrayLength());
        Assert.Empty(_dir.Entries());
    }

    [Fact]
    public async Task List_OnlyShowsTheTenantsOwnProfiles()
    {
        await NodeCall.OkAsync(_put, new { tenant = "acme", profile = "alice", vector = new double[8] });
        await NodeCall.OkAsync(_put, new { tenant = "globex", profile = "bob", vector = new double[8] });

        var output = await NodeCall.OkAsync(_list, new { tenant = "globex" });

        Assert.Equal(["bob"], output.GetProperty("profiles").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    [Fact]
    public async Task List_IgnoresTempAndForeignFiles()
    {
        await NodeCall.OkAsync(_put, new { tenant = "acme", profile = "alice", vector = new double[8] });
        var tenantDir = Path.Combine(_dir.DataDir, "acme");
        await File.WriteAllTextAsync(Path.Combine(tenantDir, ".bob.0123.tmp"), "{");
        await File.WriteAllTextAsync(Path.Combine(tenantDir, "notes.txt"), "x");
        await File.WriteAllTextAsync(Path.Combine(tenantDir, "bad name.json"), "{}");

        var output = await NodeCall.OkAsync(_list, new { tenant = "acme" });

        Assert.Equal(["alice"], output.GetProperty("profiles").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("..")]
    [InlineData("")]
    public async Task List_InvalidTenant_IsValidationFailed(string tenant)
    {
        var message = await NodeCall.FailsAsync(_list, new { tenant }, ErrorCode.ValidationFailed);

        Assert.StartsWith("tenant ", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_MissingTenant_IsValidationFailed()
    {
        Assert.Equal("tenant is required", await NodeCall.FailsAsync(_list, "{}", ErrorCode.ValidationFailed));
    }
}
