using Portway.Configuration;

namespace Portway.Framework.Tests.Configuration;

/// <summary><c>binds</c> is checked for every interface kind against the ports its pipelines need.</summary>
public sealed class BindsValidationTests
{
    private static readonly string[] Nodes = ["sys.echo", "sys.ticks", "kv.watch"];
    private static readonly string[] StreamNodes = ["sys.ticks", "kv.watch"];
    private static readonly string[] KvStreamNodes = ["kv.watch"];

    private const string Pipelines = """
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
          ticks: { stages: [ { name: ticks, node: sys.ticks } ] }
          watch: { stages: [ { name: watch, node: kv.watch } ] }
        """;

    private static ConfigLoadResult Load(string web) =>
        PortwayConfigLoader.Load("runtime:\n  web:\n    interfaces:\n" + web + Pipelines, "test.yaml", Nodes, StreamNodes, KvStreamNodes);

    [Fact]
    public void Http_StreamPipelineBehindRequestResponse_IsReportedAtTheEndpointsPipeline()
    {
        var result = Load("""
                  - kind: http
                    binds: [request, response]
                    endpoints:
                      - { route: "POST /v1/echo", pipeline: echo }
                      - { route: "POST /v1/ticks", pipeline: ticks }

            """);
        var problem = Assert.Single(result.Problems);
        Assert.Equal((8, 50), (problem.Line, problem.Column));
        Assert.Equal("endpoint 'POST /v1/ticks' serves the stream pipeline 'ticks', which needs the 'stream' port, but its http interface binds [request, response] (at 5:16); add stream to binds", problem.Message);
    }

    [Fact]
    public void WebSocket_KvWatchWithoutKvStream_AndRequestOpWithoutRequestResponse_AreReported()
    {
        var result = Load("""
                  - kind: websocket
                    binds: [stream]
                    endpoints:
                      - route: /v1/ws
                        operations: { echo: echo, ticks: ticks, watch: watch }

            """);
        Assert.Equal(2, result.Problems.Count);
        Assert.Contains("operation 'echo' of endpoint '/v1/ws' serves the request/response pipeline 'echo', which needs the 'request' and 'response' ports", result.Problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("operation 'watch' of endpoint '/v1/ws' serves the kv watch pipeline 'watch', which needs the 'kv_stream' port", result.Problems[1].Message, StringComparison.Ordinal);
        Assert.All(result.Problems, p => Assert.Equal(8, p.Line));
    }

    [Fact]
    public void GraphQL_KvSubscriptionWithoutKvStream_IsReportedAtTheField()
    {
        var result = Load("""
                  - kind: graphql
                    binds: [request, response, stream]
                    types: { T: { n: Int } }
                    query: { echo: { pipeline: echo, returns: T } }
                    subscription:
                      ticks: { pipeline: ticks, returns: T }
                      watch: { pipeline: watch, returns: T }

            """);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(10, problem.Line);
        Assert.StartsWith("subscription field 'watch' serves the kv watch pipeline 'watch', which needs the 'kv_stream' port", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bound_AsNeeded_IsValid()
    {
        var result = Load("""
                  - kind: http
                    binds: [request, response, stream, kv_stream]
                    endpoints:
                      - { route: "POST /v1/echo", pipeline: echo }
                      - { route: "POST /v1/ticks", pipeline: ticks }
                      - { route: "POST /v1/watch", pipeline: watch }
                  - kind: websocket
                    binds: [kv_stream]
                    endpoints:
                      - { route: /v1/ws, operations: { watch: watch } }

            """);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
    }

    [Fact]
    public void NoBindsWritten_BindsWhatThePipelinesNeed()
    {
        var result = Load("""
                  - kind: websocket
                    endpoints:
                      - { route: /v1/ws, operations: { echo: echo, watch: watch } }
                  - kind: http
                    endpoints:
                      - { route: "POST /v1/ticks", pipeline: ticks }

            """);
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(["request", "response", "kv_stream"], result.Config!.Runtime.Web.Interfaces[0].Binds);
        Assert.Equal(["stream"], result.Config!.Runtime.Web.Interfaces[1].Binds);
    }
}
