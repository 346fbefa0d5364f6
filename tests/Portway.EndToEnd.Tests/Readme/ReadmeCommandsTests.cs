using System.Net;
using System.Text;
using Portway.EndToEnd.Tests.Multiprocess;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Readme;

/// <summary>
/// The README's own <c>dotnet run --project framework/Portway.Host -- ...</c> commands (read from README.md),
/// run with <c>dotnet</c> from the repository root as a user would: relative paths mean the user's folder.
/// Only <c>--urls http://127.0.0.1:0</c> is added to <c>serve</c> (other servers run on this machine), and
/// <c>--no-build</c> to <c>dotnet run</c>: the test run has built the host already, and a second build of it
/// from inside <c>dotnet test Runtime.sln</c> races the build of the other test projects over the same
/// <c>obj/</c> folders (MSB4166 "child node exited prematurely" was seen). <c>dotnet run --no-build</c> still
/// evaluates the project, so its working folder is what the user's command gets.
/// </summary>
[Collection(WorkerProcesses.Collection)]
public sealed class ReadmeCommandsTests
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(4); // dotnet run checks the build first

    private static string[] Command(Func<string, bool> match)
    {
        var commands = ReadmeCommands.Read();
        var found = commands.FirstOrDefault(c => match(string.Join(' ', c[4..])));
        Assert.True(found is not null, "README.md has no such command; it has:\n" + string.Join('\n', commands.Select(c => string.Join(' ', c))));
        Assert.Equal("run", found[0]);
        return ["run", "--no-build", .. found[1..]];
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Check_ReadmeCommand_FromTheRepositoryRoot_PrintsTheContractOfConfigRuntimeYaml()
    {
        var check = Command(a => a.StartsWith("check ", StringComparison.Ordinal));
        await using var run = await HostProcess.StartCommandAsync(RepoPaths.Root, "dotnet", check, StartDeadline, waitForListening: false);

        Assert.Equal(0, await run.WaitForExitAsync(StartDeadline));
        Assert.Contains("portway contract: " + check[^1], run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_ReadmeCommand_ReadsTheRepositorysConfigAndWritesDataUnderTheRepositoryRoot()
    {
        var serve = Command(a => a == "serve");
        await using var host = await HostProcess.StartCommandAsync(RepoPaths.Root, "dotnet", [.. serve, "--urls", "http://127.0.0.1:0"], StartDeadline);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        Assert.Contains("Config: " + Path.Combine(RepoPaths.Root, "config", "runtime.yaml"), host.Output, StringComparison.Ordinal);
        using var echo = await client.PostAsync("/v1/echo", Json("{\"hello\":\"world\"}"));
        Assert.Equal("{\"hello\":\"world\"}", await echo.Content.ReadAsStringAsync());

        // The demo key's tenant is acme (tenant: from_token); a profile name of its own keeps the repository's data apart.
        await DemoTokens.AuthorizeAsync(client);
        var profile = "readme-" + Guid.NewGuid().ToString("N")[..12];
        var profileFile = Path.Combine(RepoPaths.Root, "data", "acme", profile + ".json");
        try
        {
            using var put = await client.PutAsync($"/v1/tenants/acme/profiles/{profile}", Json("{\"vector\":[0.5,0.4,0.3,0.2,0.1,0.6,0.7,0.8]}"));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.True(File.Exists(profileFile), $"the profile is stored under ./data of the folder the command ran in ({profileFile})");
            Assert.False(File.Exists(Path.Combine(RepoPaths.Root, "framework", "Portway.Host", "data", "acme", profile + ".json")), "nothing lands in the project's folder");
        }
        finally
        {
            if (File.Exists(profileFile)) File.Delete(profileFile);
        }
    }

    [Fact]
    public async Task MultiprocessServe_ReadmeCommand_FindsItsConfigAndAnswersThroughTheWorkers()
    {
        var serve = Command(a => a.StartsWith("serve --config ", StringComparison.Ordinal));
        await using var host = await HostProcess.StartCommandAsync(RepoPaths.Root, "dotnet", [.. serve, "--urls", "http://127.0.0.1:0"], StartDeadline);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        Assert.Contains("Config: " + Path.Combine(RepoPaths.Root, serve[^1]), host.Output, StringComparison.Ordinal);
        await WorkerProcesses.UntilAsync(async () => (await client.GetAsync("/ready")).StatusCode == HttpStatusCode.OK, "/ready answers 200 (the cpu_sync workers are ready)");
        await WorkerProcesses.WaitReadyAsync(host, 2);
        await DemoTokens.AuthorizeAsync(client); // feedback needs a token for the body's tenant (the demo key's: acme)
        using var feedback = await client.PostAsync("/v1/resonance/feedback", Json("{\"tenant\":\"acme\",\"profile_name\":\"readme-nobody-" + Guid.NewGuid().ToString("N") + "\",\"text\":\"Hello there!\"}"));
        var body = await feedback.Content.ReadAsStringAsync();
        // extract runs in a worker, compare in the host: the missing profile is compare's answer, after the hop.
        Assert.Equal(HttpStatusCode.NotFound, feedback.StatusCode);
        Assert.Contains("\"not_found\"", body, StringComparison.Ordinal);
    }
}
