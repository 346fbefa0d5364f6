using System.Diagnostics;
using System.Text;
using Portway.Host.Cli;

namespace Portway.EndToEnd.Tests.Cli;

/// <summary><c>check</c>, <c>check --json</c> and <c>serve</c> on hostile files: a located problem and exit 1, or a refused file and exit 2; never a crash.</summary>
public sealed class CheckCommandHostileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("portway-check-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Stdout, string Stderr) Check(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var code = CheckCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string DeepWith(int depth)
    {
        var text = new StringBuilder("""
            pipelines:
              echo:
                stages:
                  - name: echo
                    node: sys.echo
                    with:

            """);
        for (var i = 0; i < depth; i++) text.Append(' ', 10 + (2 * i)).Append($"k{i}:\n");
        text.Append(' ', 10 + (2 * depth)).Append("leaf: 1\n");
        var path = Path.Combine(_dir, $"deep-{depth}.yaml");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    [Theory]
    [InlineData(64, false)]
    [InlineData(64, true)]
    [InlineData(1000, true)]
    public void Check_WithNestedDeep_IsALocatedProblemAndExitOne(int depth, bool json)
    {
        var path = DeepWith(depth);

        var (code, stdout, stderr) = json ? Check(path, "--json") : Check(path);

        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.StartsWith($"{path}:", stderr, StringComparison.Ordinal);
        Assert.Contains("nesting deeper than 32 levels", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_WithNestedDeep_IsALocatedProblemAndExitOne()
    {
        Assert.Equal(1, await ServeCommand.RunAsync(["--config", DeepWith(64)]));
    }

    [Fact]
    public async Task CheckAndServe_DevZero_ExitTwo()
    {
        var (code, _, stderr) = Check("/dev/zero");

        Assert.Equal(2, code);
        Assert.Contains("not a regular file (a character device)", stderr, StringComparison.Ordinal);
        Assert.Equal(2, await ServeCommand.RunAsync(["--config", "/dev/zero"]));
    }

    [Fact]
    public async Task CheckAndServe_Fifo_ExitTwoWithoutBlocking()
    {
        var fifo = Path.Combine(_dir, "fifo.yaml");
        using (var mkfifo = Process.Start("mkfifo", fifo))
        {
            await mkfifo.WaitForExitAsync();
        }

        var (code, _, stderr) = await Task.Run(() => Check(fifo)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, code);
        Assert.Contains("not a regular file (a FIFO)", stderr, StringComparison.Ordinal);
        Assert.Equal(2, await ServeCommand.RunAsync(["--config", fifo]).WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
