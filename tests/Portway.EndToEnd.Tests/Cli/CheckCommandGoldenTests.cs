using System.Text;
using Portway.Host.Cli;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Cli;

/// <summary>
/// Golden tests for <c>portway check</c>: every <c>config/*.yaml</c> against its committed summary (text and
/// <c>--json</c>), and every <c>Golden/invalid/*.yaml</c> against its committed stderr.
/// To regenerate the references after an intended change, run with <c>PORTWAY_UPDATE_GOLDEN=1</c>
/// (<c>PORTWAY_UPDATE_GOLDEN=1 dotnet test tests/Portway.EndToEnd.Tests</c>), review the diff, and commit it.
/// Paths in the output are printed relative to the repository root so the references do not depend on the machine.
/// </summary>
public sealed class CheckCommandGoldenTests
{
    private static readonly string Root = FindRepoRoot();
    private static readonly string GoldenDir = Path.Combine(Root, "tests", "Portway.EndToEnd.Tests", "Golden");
    private static readonly bool Update = Environment.GetEnvironmentVariable("PORTWAY_UPDATE_GOLDEN") == "1";

    // config/redis.yaml takes its JWT secret from PORTWAY_JWT_SECRET (as its README section exports it); without it
    // the check reports the unset variable instead of the summary.
    static CheckCommandGoldenTests() => TestConfig.EnsureJwtSecret();

    public static TheoryData<string> ConfigFiles() => Files(Path.Combine(Root, "config"));

    public static TheoryData<string> InvalidFiles() => Files(Path.Combine(GoldenDir, "invalid"));

    [Theory]
    [MemberData(nameof(ConfigFiles))]
    public void Check_ShippedConfig_PrintsCommittedSummary(string name)
    {
        var file = Path.Combine(Root, "config", name);
        var stem = Path.GetFileNameWithoutExtension(name);

        var (code, stdout, stderr) = Run(file);
        var (jsonCode, jsonStdout, jsonStderr) = Run(file, "--json");

        // The reference holds stdout when the file is valid, else stderr, so a shipped file that turns invalid
        // (a node renamed, say) shows up as a golden diff naming the problem.
        Compare(Path.Combine(GoldenDir, $"{stem}.check.txt"), code == 0 ? stdout : stderr);
        Compare(Path.Combine(GoldenDir, $"{stem}.check.json"), jsonCode == 0 ? jsonStdout : jsonStderr);
        Assert.Equal(code, jsonCode);
    }

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public void Check_InvalidConfig_ReportsCommittedProblems(string name)
    {
        var file = Path.Combine(GoldenDir, "invalid", name);

        var (code, stdout, stderr) = Run(file);

        Compare(Path.ChangeExtension(file, ".stderr"), stderr);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void Check_ValidFile_PrintsSummaryOrJsonAndExitsZero()
    {
        var file = Path.Combine(Path.GetTempPath(), $"portway-check-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, """
            runtime:
              web:
                interfaces:
                  - kind: http
                    endpoints: [{ route: "POST /v1/echo", pipeline: echo }]
            pipelines:
              echo:
                stages: [{ name: echo, node: sys.echo }]
            """);
        try
        {
            var (code, stdout, stderr) = Run(file);
            var (jsonCode, json, jsonStderr) = Run(file, "--json");

            Assert.Equal((0, "", 0, ""), (code, stderr, jsonCode, jsonStderr));
            Assert.StartsWith($"portway contract: {file}\n", stdout, StringComparison.Ordinal);
            Assert.Contains("  POST /v1/echo -> echo (timeout_ms=30000, max_body_bytes=1048576)\n", stdout, StringComparison.Ordinal);
            Assert.Equal("echo", System.Text.Json.Nodes.JsonNode.Parse(json)!["pipelines"]![0]!["sink"]!.GetValue<string>());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Check_MissingFile_ExitsTwoWithClearError()
    {
        var (code, stdout, stderr) = Run(Path.Combine(GoldenDir, "no-such-file.yaml"));

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("portway check: file not found: tests/Portway.EndToEnd.Tests/Golden/no-such-file.yaml", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("a.yaml", "b.yaml")]
    [InlineData("--yaml", "a.yaml")]
    public void Check_BadUsage_PrintsUsageAndExitsTwo(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = CheckCommand.Run(args, stdout, stderr);

        Assert.Equal(2, code);
        Assert.Contains("usage: portway check FILE [--json]", stderr.ToString(), StringComparison.Ordinal);
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var code = CheckCommand.Run(args, stdout, stderr);
        return (code, Relative(stdout.ToString()), Relative(stderr.ToString()));
    }

    private static string Relative(string output) => output.Replace(Root + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);

    private static void Compare(string referencePath, string actual)
    {
        if (Update)
        {
            File.WriteAllText(referencePath, actual, new UTF8Encoding(false));
            return;
        }

        Assert.True(File.Exists(referencePath), $"missing golden file {referencePath}; run with PORTWAY_UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(referencePath), actual);
    }

    private static TheoryData<string> Files(string dir)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(dir, "*.yaml").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(file));
        return data;
    }

    /// <summary>Walks up from the test binaries to the folder that holds <c>Runtime.sln</c>.</summary>
    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Runtime.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException($"no Runtime.sln above {AppContext.BaseDirectory}");
    }
}
