using System.Diagnostics;
using System.Text;
using Portway.Configuration;

namespace Portway.Framework.Tests.Configuration;

/// <summary>Hostile config inputs (issue 11, items 1-4): each is one located problem or a refused file, never a crash, hang or blow-up.</summary>
public sealed class HostileConfigTests : IDisposable
{
    private static readonly string[] Nodes = ["sys.delay", "sys.echo", "sys.fail"];
    private readonly string _dir = Directory.CreateTempSubdirectory("portway-hostile-").FullName;

    private const string Echo = """
        pipelines:
          echo:
            stages:
              - name: echo
                node: sys.echo

        """;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ConfigProblem Single(string yaml)
    {
        var result = PortwayConfigLoader.Load(yaml, "test.yaml", Nodes);
        Assert.Null(result.Config);
        return Assert.Single(result.Problems);
    }

    /// <summary>A chain of <paramref name="levels"/> anchors, each a list of ten aliases of the previous one.</summary>
    private static string Laughs(int levels, string indent)
    {
        var text = new StringBuilder();
        text.Append(indent).Append("l0: &l0 \"lol\"\n");
        for (var i = 1; i <= levels; i++)
        {
            text.Append(indent).Append($"l{i}: &l{i} [");
            text.AppendJoin(", ", Enumerable.Repeat($"*l{i - 1}", 10));
            text.Append("]\n");
        }

        return text.ToString();
    }

    [Theory]
    [InlineData(7)]
    [InlineData(9)]
    public void Load_AliasBombInWith_IsOneLocatedProblem(int levels)
    {
        var yaml = """
            pipelines:
              echo:
                stages:
                  - name: echo
                    node: sys.echo
                    with:

            """ + Laughs(levels, "          ");

        var problem = Single(yaml);

        Assert.Contains("more than 100000 nodes once its aliases are expanded", problem.Message, StringComparison.Ordinal);
        Assert.InRange(problem.Line, 8, 7 + levels);
    }

    [Fact]
    public void Load_AliasBombUnderUnknownKey_IsRefusedBeforeTheBinderWalksIt()
    {
        var problem = Single(Echo + "extra:\n" + Laughs(9, "  "));

        Assert.Contains("aliases are expanded", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AliasesWithinBound_AreAccepted()
    {
        var result = PortwayConfigLoader.Load(Echo.Replace("node: sys.echo", "node: sys.echo\n        with:\n" + Laughs(3, "          "), StringComparison.Ordinal), "test.yaml", Nodes);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(10, result.Config!.Pipelines["echo"].Stages[0].With!["l3"]!.AsArray().Count);
    }

    [Fact]
    public void Load_HundredThousandDeepFlowSequence_IsALocatedProblemNotAStackOverflow()
    {
        var problem = Single(Echo + "extra: " + new string('[', 100_000) + new string(']', 100_000) + "\n");

        Assert.Contains("nesting deeper than 32 levels", problem.Message, StringComparison.Ordinal);
        Assert.Equal(6, problem.Line);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(1000)]
    public void Load_WithNestedDeep_IsALocatedProblem(int depth)
    {
        var with = new StringBuilder("        with:\n");
        for (var i = 0; i < depth; i++) with.Append(' ', 10 + (2 * i)).Append($"k{i}:\n");
        with.Append(' ', 10 + (2 * depth)).Append("leaf: 1\n");

        var problem = Single(Echo + with);

        Assert.Contains("nesting deeper than", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TabIndentation_IsReportedWhereTheTabIs()
    {
        var problem = Single(Echo + "runtime:\n  web:\n\t drain_timeout_ms: 10\n");

        Assert.Equal((8, 1), (problem.Line, problem.Column));
        Assert.Contains("tab", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_InvalidUtf8InAValue_IsALocatedProblem()
    {
        var path = Path.Combine(_dir, "bad-utf8.yaml");
        var bytes = Encoding.UTF8.GetBytes(Echo + "runtime:\n  platform:\n    data_dir: ./da").Concat(new byte[] { 0xFF, 0x74, 0x61, (byte)'\n' }).ToArray();
        File.WriteAllBytes(path, bytes);

        var result = PortwayConfigLoader.LoadFile(path, Nodes);

        Assert.Null(result.Config);
        var problem = Assert.Single(result.Problems);
        Assert.Equal((8, 19), (problem.Line, problem.Column));
        Assert.Equal("invalid UTF-8 (byte 0xFF); a config file must be UTF-8", problem.Message);
    }

    [Fact]
    public void LoadFile_Utf8ByteOrderMark_IsAccepted()
    {
        var path = Path.Combine(_dir, "bom.yaml");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Echo)]);

        Assert.True(PortwayConfigLoader.LoadFile(path, Nodes).IsValid);
    }

    [Fact]
    public void LoadFile_DevZero_IsRefusedAsNotARegularFile()
    {
        var ex = Assert.Throws<IOException>(() => PortwayConfigLoader.LoadFile("/dev/zero", Nodes));

        Assert.Contains("not a regular file (a character device)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadFile_FifoWithNoWriter_IsRefusedWithoutBlocking()
    {
        var fifo = Path.Combine(_dir, "fifo.yaml");
        using (var mkfifo = Process.Start("mkfifo", fifo))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var load = Task.Run(() => PortwayConfigLoader.LoadFile(fifo, Nodes));

        var ex = await Assert.ThrowsAsync<IOException>(() => load.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("not a regular file (a FIFO)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_LargerThanTheLimit_IsRefused()
    {
        var path = Path.Combine(_dir, "big.yaml");
        File.WriteAllText(path, Echo + "# " + new string('x', 2 << 20) + "\n");

        var ex = Assert.Throws<IOException>(() => PortwayConfigLoader.LoadFile(path, Nodes));

        Assert.Contains("larger than 1048576 bytes", ex.Message, StringComparison.Ordinal);
    }
}
