using Portway.Configuration;

namespace Portway.Framework.Tests.Configuration;

/// <summary>Config rules of the streaming ingress: websocket operations, the https certificate.</summary>
public sealed class StreamingConfigTests
{
    private static readonly string[] Nodes = ["sys.delay", "sys.echo", "sys.fail"];

    private static ConfigLoadResult Load(string yaml) => PortwayConfigLoader.Load(yaml, "test.yaml", Nodes);

    private const string Echo = """
        pipelines:
          echo:
            stages:
              - { name: echo, node: sys.echo }
        """;

    [Fact]
    public void Load_WebSocketOperationNamedCancel_IsReservedError()
    {
        var result = Load(Echo + """

            runtime:
              web:
                interfaces:
                  - kind: websocket
                    endpoints:
                      - route: /ws
                        operations: { echo: echo, cancel: echo }
            """);

        var problem = Assert.Single(result.Problems);
        Assert.Contains("operation name 'cancel' of endpoint '/ws' is reserved", problem.Message, StringComparison.Ordinal);
        Assert.Equal(11, problem.Line);
    }

    [Fact]
    public void Load_WebSocketLimits_AreBoundAndSummarized()
    {
        var result = Load(Echo + """

            runtime:
              web:
                interfaces:
                  - kind: websocket
                    endpoints:
                      - route: /ws
                        operations: { echo: echo }
                        max_message_bytes: 100
                        send_queue_limit: 3
                        idle_timeout_ms: 400
                        ping_interval_ms: 500
            """);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var endpoint = result.Config!.Runtime.Web.Interfaces[0].Endpoints[0];
        Assert.Equal((100, 3, 400, 500), (endpoint.MaxMessageBytes, endpoint.SendQueueLimit, endpoint.IdleTimeoutMs, endpoint.PingIntervalMs));
        Assert.Contains("max_message_bytes=100, send_queue_limit=3, idle_timeout_ms=400, ping_interval_ms=500", ContractSummary.Render(result.Config), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WebSocketZeroSendQueueLimit_IsRangeError()
    {
        var result = Load(Echo + """

            runtime:
              web:
                interfaces:
                  - kind: websocket
                    endpoints:
                      - { route: /ws, operations: { echo: echo }, send_queue_limit: 0 }
            """);

        var problem = Assert.Single(result.Problems);
        Assert.Contains("send_queue_limit", problem.Message, StringComparison.Ordinal);
    }
}
