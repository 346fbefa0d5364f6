using Portway.Configuration;
using Portway.Nodes;
using Portway.Pipelines.NodeDirectory;

namespace Portway.Pipelines.Tests.NodeDirectory;

/// <summary>
/// What the config loader (so <c>portway check</c>) checks of a node directory stage's <c>with</c>, from the nodes'
/// own attributes: the optional <c>egress</c> (change notices) is a websocket egress; the sweep's retry settings are
/// in range. Each a located problem (FILE:LINE:COL), not a startup failure.
/// </summary>
public sealed class DirectoryConfigCheckTests
{
    private static readonly IReadOnlyCollection<NodeRegistration> Catalog = [.. NodeDiscovery.BuiltIn, .. NodeDiscovery.FromAssembly(PipelineNodes.Assembly)];

    private static ConfigLoadResult Load(string stages) => PortwayConfigLoader.Load("""
        runtime:
          egress:
            http:
              - { name: hooks, base_url: "http://127.0.0.1:9/" }
            websocket:
              - { name: network, url: "ws://127.0.0.1:9/ws" }
        pipelines:
          directory:
            stages:

        """ + stages, "test.yaml", Catalog);

    [Fact]
    public void DirectoryStage_HttpEgress_IsALocatedProblem_NamingTheKindNeeded()
    {
        var result = Load("""
                  - { name: register, node: directory.register, with: { egress: hooks } }
                  - { name: deregister, node: directory.deregister, with: { egress: hooks }, after: [register] }
                  - { name: sweep, node: directory.sweep, with: { egress: nowhere }, after: [deregister] }
            """);

        var problems = result.Problems.Select(p => p.ToString()).ToArray();
        Assert.Contains("test.yaml:10:69: stage 'register' of pipeline 'directory': directory.register needs a websocket egress, but 'hooks' is an http egress", problems);
        Assert.Contains("test.yaml:11:73: stage 'deregister' of pipeline 'directory': directory.deregister needs a websocket egress, but 'hooks' is an http egress", problems);
        Assert.Contains(problems, p => p.StartsWith("test.yaml:12:", StringComparison.Ordinal) && p.Contains("with.egress names unknown egress 'nowhere'", StringComparison.Ordinal));
        Assert.Equal(3, problems.Length);
    }

    [Fact]
    public void DirectoryStage_WebSocketEgress_OrNone_IsValid()
    {
        var result = Load("""
                  - { name: register, node: directory.register, with: { egress: network } }
                  - { name: sweep, node: directory.sweep, after: [register] }
            """);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
    }

    [Theory]
    [InlineData("retries: 1", "with.retries must be true or false, not 1")]
    [InlineData("retries: \"true\"", "with.retries must be true or false, not \"true\"")]
    [InlineData("retry_timeout_ms: 99", "with.retry_timeout_ms must be an integer from 100 to 60000, not 99")]
    [InlineData("retry_timeout_ms: 60001", "with.retry_timeout_ms must be an integer from 100 to 60000, not 60001")]
    [InlineData("retry_timeout_ms: 1.5", "with.retry_timeout_ms must be an integer from 100 to 60000, not 1.5")]
    [InlineData("retry_concurrency: 0", "with.retry_concurrency must be an integer from 1 to 256, not 0")]
    [InlineData("retry_concurrency: 257", "with.retry_concurrency must be an integer from 1 to 256, not 257")]
    public void SweepRetrySetting_OutOfRange_IsALocatedProblem(string setting, string expected)
    {
        var result = Load($$"""
                  - { name: sweep, node: directory.sweep, with: { {{setting}} } }
            """);

        Assert.Null(result.Config);
        // The problem points at the value on line 10 (the stage's line).
        var line = $"      - {{ name: sweep, node: directory.sweep, with: {{ {setting} }} }}";
        var column = line.IndexOf(": ", line.IndexOf("with: { ", StringComparison.Ordinal) + 8, StringComparison.Ordinal) + 3;
        Assert.Equal([$"test.yaml:10:{column}: stage 'sweep' of pipeline 'directory': {expected}"], result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void SweepRetrySettings_AtTheirBounds_AreValid_AndTheDirectoryReadsThem()
    {
        var low = Load("""
                  - { name: sweep, node: directory.sweep, with: { retries: false, retry_timeout_ms: 100, retry_concurrency: 1 } }
            """);
        var high = Load("""
                  - { name: sweep, node: directory.sweep, with: { retries: true, retry_timeout_ms: 60000, retry_concurrency: 256 } }
            """);

        Assert.True(low.IsValid, string.Join("\n", low.Problems));
        Assert.True(high.IsValid, string.Join("\n", high.Problems));
        Assert.Equal(new DirectoryRetryOptions(false, TimeSpan.FromMilliseconds(100), 1), DirectoryRetryOptions.From(low.Config!));
        Assert.Equal(new DirectoryRetryOptions(true, TimeSpan.FromMilliseconds(60_000), 256), DirectoryRetryOptions.From(high.Config!));
    }
}
