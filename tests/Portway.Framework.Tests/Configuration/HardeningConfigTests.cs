using Portway.Configuration;

namespace Portway.Framework.Tests.Configuration;

/// <summary>Config keys of the adapter hardening: GraphQL document bounds, WebSocket queue/in-flight/connection bounds, cors.origins.</summary>
public sealed class HardeningConfigTests
{
    private static readonly string[] Nodes = ["sys.echo"];

    private static ConfigLoadResult Load(string yaml) => PortwayConfigLoader.Load(yaml, "test.yaml", Nodes);

    private const string Echo = """
        pipelines:
          echo:
            stages:
              - { name: echo, node: sys.echo }
        """;

    [Fact]
    public void Load_NewLimits_AreBoundAndSummarized()
    {
        var result = Load(Echo + """

            runtime:
              web:
                interfaces:
                  - kind: websocket
                    cors: { origins: [ "https://App.example", "http://localhost:3000" ] }
                    endpoints:
                      - { route: /ws, operations: { echo: echo }, send_queue_bytes: 5000, max_in_flight: 7, max_connections: 9 }
                  - kind: graphql
                    max_tokens: 100
                    max_fields: 50
                    max_in_flight: 3
                    send_queue_limit: 11
                    send_queue_bytes: 12000
                    max_connections: 13
                    types: { E: { x: Int } }
                    query: { e: { pipeline: echo, returns: E } }
            """);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var ws = result.Config!.Runtime.Web.Interfaces[0];
        var graphql = result.Config.Runtime.Web.Interfaces[1];
        Assert.Equal(["https://app.example", "http://localhost:3000"], ws.CorsOrigins);
        Assert.Equal((5000, 7, 9), (ws.Endpoints[0].SendQueueBytes, ws.Endpoints[0].MaxInFlight, ws.Endpoints[0].MaxConnections));
        Assert.Equal((100, 50, 3), (graphql.MaxTokens, graphql.MaxFields, graphql.MaxInFlight));
        Assert.Equal((11, 12000, 13), (graphql.SendQueueLimit, graphql.SendQueueBytes, graphql.MaxConnections));
        var summary = ContractSummary.Render(result.Config);
        Assert.Contains("cors.origins=[https://app.example, http://localhost:3000]", summary, StringComparison.Ordinal);
        Assert.Contains("send_queue_bytes=5000, max_in_flight=7, max_connections=9", summary, StringComparison.Ordinal);
        Assert.Contains("max_tokens=100, max_fields=50, max_in_flight=3", summary, StringComparison.Ordinal);
        Assert.Contains("websocket: send_queue_limit=11, send_queue_bytes=12000, max_connections=13", summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://app.example/path")]
    [InlineData("app.example")]
    [InlineData("ftp://app.example")]
    [InlineData("https://app.example/")]
    public void Load_CorsOriginThatIsNotAnOrigin_IsErrorAtItsPosition(string origin)
    {
        var result = Load(Echo + $$"""

            runtime:
              web:
                interfaces:
                  - kind: websocket
                    cors:
                      origins:
                        - "{{origin}}"
                    endpoints:
                      - { route: /ws, operations: { echo: echo } }
            """);

        var problem = Assert.Single(result.Problems);
        Assert.Contains("cors.origins", problem.Message, StringComparison.Ordinal);
        Assert.Equal(11, problem.Line);
        Assert.Equal(15, problem.Column);
    }

    [Fact]
    public void Load_UnknownCorsKey_And_ZeroLimits_AreAllReported()
    {
        var result = Load(Echo + """

            runtime:
              web:
                interfaces:
                  - kind: websocket
                    cors: { verbs: [GET] }
                    endpoints:
                      - { route: /ws, operations: { echo: echo }, send_queue_bytes: 0, max_in_flight: 0, max_connections: 0 }
                  - kind: graphql
                    max_tokens: 0
                    max_fields: 0
                    max_in_flight: 0
                    send_queue_limit: 0
                    types: { E: { x: Int } }
                    query: { e: { pipeline: echo, returns: E } }
            """);

        var text = string.Join("\n", result.Problems);
        Assert.Contains("verbs", text, StringComparison.Ordinal);
        foreach (var key in new[] { "send_queue_bytes", "max_in_flight", "max_connections", "max_tokens", "max_fields", "send_queue_limit" })
        {
            Assert.Contains(key, text, StringComparison.Ordinal);
        }

        Assert.All(result.Problems, p => Assert.True(p.Line > 0 && p.Column > 0, p.ToString()));
    }
}
