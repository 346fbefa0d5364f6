using System.Text.Json.Nodes;
using Portway.Configuration;

namespace Portway.Framework.Tests.Configuration;

public sealed class ContractSummaryTests
{
    private static PortwayConfig Load()
    {
        var result = PortwayConfigLoader.Load("""
            runtime:
              web:
                interfaces:
                  - kind: http
                    endpoints:
                      - { route: "POST /v1/fanout", pipeline: fanout, timeout_ms: 5000 }
            pipelines:
              fanout:
                stages:
                  - { name: join, node: sys.echo, after: [b, c] }
                  - { name: a, node: sys.echo, with: { n: 1 } }
                  - { name: b, node: sys.echo, after: [a] }
                  - { name: c, node: sys.echo, after: [a] }
            """, "summary.yaml", ["sys.echo"]);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        return result.Config!;
    }

    [Fact]
    public void Render_ShowsEndpointsWithEffectiveLimits()
    {
        var text = ContractSummary.Render(Load());

        Assert.Contains("  POST /v1/fanout -> fanout (timeout_ms=5000, max_body_bytes=1048576)\n", text, StringComparison.Ordinal);
        Assert.Contains("  execution_ipc.auth.ttl_seconds      30\n", text, StringComparison.Ordinal);
        Assert.Contains("  web (host process): fanout.a, fanout.b, fanout.c, fanout.join\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ListsStagesInTopologicalOrderAndMarksSink()
    {
        var lines = ContractSummary.Render(Load()).Split('\n');
        var stages = lines.SkipWhile(l => l != "  fanout (sink: join)").Skip(1).Where(l => l.StartsWith("    ", StringComparison.Ordinal) && l.Contains("node=", StringComparison.Ordinal)).ToArray();

        Assert.Equal(["1. a", "2. b", "3. c", "4. join"], stages.Select(l => string.Join(' ', l.Trim().Split(' ').Take(2))));
        Assert.EndsWith("[sink]", stages[3], StringComparison.Ordinal);
        Assert.Contains("after=b, c", stages[3], StringComparison.Ordinal);
    }

    [Fact]
    public void Render_IsDeterministic() => Assert.Equal(ContractSummary.Render(Load()), ContractSummary.Render(Load()));

    [Fact]
    public void RenderJson_UsesSnakeCaseAndTopologicalOrder()
    {
        var json = JsonNode.Parse(ContractSummary.RenderJson(Load()))!;

        Assert.Equal(30, json["runtime"]!["platform"]!["execution_ipc"]!["auth"]!["ttl_seconds"]!.GetValue<int>());
        var pipeline = json["pipelines"]![0]!;
        Assert.Equal("join", pipeline["sink"]!.GetValue<string>());
        Assert.Equal(["a", "b", "c", "join"], pipeline["stages"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
        Assert.Equal(1, pipeline["stages"]![0]!["with"]!["n"]!.GetValue<int>());
        Assert.Equal("POST", json["runtime"]!["web"]!["interfaces"]![0]!["endpoints"]![0]!["method"]!.GetValue<string>());
    }
}
