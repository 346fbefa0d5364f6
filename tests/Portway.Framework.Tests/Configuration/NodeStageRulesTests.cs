using Portway.Configuration;
using Portway.Nodes;

namespace Portway.Framework.Tests.Configuration;

/// <summary>What a node declares about its stage's <c>with</c> (<see cref="PortwayNodeAttribute.Egress"/>, <see cref="PortwayNodeAttribute.WithPipelines"/>), checked by the loader at the value's place.</summary>
public sealed class NodeStageRulesTests
{
    private static IReadOnlyCollection<NodeRegistration> Catalog() => [.. NodeDiscovery.BuiltIn, .. NodeDiscovery.FromAssembly(typeof(NodeStageRulesTests).Assembly).Where(r => r.NodeType == typeof(SubmitLike))];

    [Fact]
    public void Discovery_ReadsTheRulesFromTheAttribute()
    {
        var node = NodeDiscovery.FromAssembly(typeof(NodeStageRulesTests).Assembly).Single(r => r.NodeType == typeof(SubmitLike));

        Assert.Equal("http", node.Egress);
        Assert.Equal(["item_pipeline"], node.WithPipelines);
        Assert.Equal([("size", 1, 8, false), ("strict", int.MinValue, int.MaxValue, true)], node.Settings.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => (s.Key, s.Min, s.Max, s.Boolean)));
    }

    [Fact]
    public void Load_SettingOutOfRangeOrOfTheWrongType_IsALocatedProblem_AtTheBoundsValid()
    {
        var result = PortwayConfigLoader.Load("""
            pipelines:
              low:
                stages:
                  - { name: s, node: test.submit_like, with: { size: 0, strict: "no" } }
              high:
                stages:
                  - name: s
                    node: test.submit_like
                    with:
                      size: 9
              fine:
                stages:
                  - { name: s, node: test.submit_like, with: { size: 1, strict: true } }
              top:
                stages:
                  - { name: s, node: test.submit_like, with: { size: 8, strict: false } }
            """, "test.yaml", Catalog());

        Assert.Equal(
            [
                "test.yaml:4:58: stage 's' of pipeline 'low': with.size must be an integer from 1 to 8, not 0",
                "test.yaml:4:69: stage 's' of pipeline 'low': with.strict must be true or false, not \"no\"",
                "test.yaml:10:17: stage 's' of pipeline 'high': with.size must be an integer from 1 to 8, not 9",
            ],
            result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Load_WrongEgressKind_UnknownOrOwnPipeline_AreLocatedProblems()
    {
        var result = PortwayConfigLoader.Load("""
            runtime:
              egress:
                websocket:
                  - { name: network, url: "ws://127.0.0.1:9001/ws" }
            pipelines:
              submit:
                stages:
                  - { name: s, node: test.submit_like, with: { egress: network, item_pipeline: itme } }
              again:
                stages:
                  - { name: s, node: test.submit_like, with: { item_pipeline: again } }
              item:
                stages:
                  - { name: e, node: sys.echo }
            """, "test.yaml", Catalog());

        Assert.Null(result.Config);
        Assert.Equal(
            [
                "test.yaml:8:60: stage 's' of pipeline 'submit': test.submit_like needs an http egress, but 'network' is a websocket egress",
                "test.yaml:8:84: stage 's' of pipeline 'submit': with.item_pipeline names unknown pipeline 'itme'; did you mean 'item'?",
                "test.yaml:11:67: stage 's' of pipeline 'again': with.item_pipeline names its own pipeline 'again' (it would call itself)",
            ],
            result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Load_RightKindOrNoEgress_IsValid()
    {
        var result = PortwayConfigLoader.Load("""
            runtime:
              egress:
                http:
                  - { name: hooks, base_url: "http://127.0.0.1:9000/" }
            pipelines:
              submit:
                stages:
                  - { name: s, node: test.submit_like, with: { egress: hooks, item_pipeline: item } }
              plain:
                stages:
                  - { name: s, node: test.submit_like }
              item:
                stages:
                  - { name: e, node: sys.echo }
            """, "test.yaml", Catalog());

        Assert.Empty(result.Problems);
    }

    [PortwayNode("test.submit_like", Egress = "http", WithPipelines = new[] { "item_pipeline" })]
    [PortwayNodeSetting("size", Min = 1, Max = 8)]
    [PortwayNodeSetting("strict", Boolean = true)]
    internal sealed class SubmitLike : INode
    {
        public ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken) => ValueTask.FromResult(NodeResult.Success("{}"u8.ToArray()));
    }
}
