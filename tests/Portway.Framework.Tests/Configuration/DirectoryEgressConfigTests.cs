using Portway.Configuration;

namespace Portway.Framework.Tests.Configuration;

/// <summary>A node directory stage's optional <c>with: { egress }</c> (its change notices) must name a websocket egress: a located check problem, not a startup failure.</summary>
public sealed class DirectoryEgressConfigTests
{
    private static readonly string[] Nodes = ["directory.register", "directory.deregister", "directory.sweep"];

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

        """ + stages, "test.yaml", Nodes);

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
}
