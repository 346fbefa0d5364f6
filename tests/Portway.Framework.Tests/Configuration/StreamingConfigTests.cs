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

    [Fact]
    public void Load_HttpsListenWithoutTls_ReportsAtListen()
    {
        var result = Load(Echo + """

            runtime:
              web:
                listen: https://127.0.0.1:8443
            """);

        var problem = Assert.Single(result.Problems);
        Assert.Equal("listen is https:// but runtime.web.tls is not set: give tls.cert_path (and key_path or password)", problem.Message);
        Assert.Equal((7, 13), (problem.Line, problem.Column));
    }

    [Fact]
    public void Load_TlsFilesMissingAndKeyForPkcs12_ReportsEach()
    {
        var result = Load(Echo + """

            runtime:
              web:
                listen: https://127.0.0.1:8443
                tls: { cert_path: /nonexistent/server.pfx, key_path: /nonexistent/server.key }
            """);

        Assert.Equal(2, result.Problems.Count);
        Assert.Contains(result.Problems, p => p.Message.StartsWith("tls.cert_path: file '/nonexistent/server.pfx' not found", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.Message.StartsWith("tls.key_path is for a PEM certificate", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_TlsWithoutCertPath_IsMissingKeyError()
    {
        var result = Load(Echo + """

            runtime:
              web:
                tls: { password: x }
            """);

        var problem = Assert.Single(result.Problems);
        Assert.Equal("missing required key 'cert_path' in runtime.web.tls", problem.Message);
    }

    [Fact]
    public void Summary_Tls_ShowsFilesAndHidesThePassword()
    {
        var cert = Path.GetTempFileName();
        try
        {
            var result = Load(Echo + $$"""

                runtime:
                  web:
                    listen: https://127.0.0.1:8443
                    tls: { cert_path: '{{cert}}', password: hunter2 }
                """);

            Assert.True(result.IsValid, string.Join("\n", result.Problems));
            var text = ContractSummary.Render(result.Config!);
            var json = ContractSummary.RenderJson(result.Config!);
            Assert.Contains($"tls              cert_path={cert}, password=(set)", text, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", json, StringComparison.Ordinal);
            Assert.Contains("\"password\": \"(set)\"", json, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(cert);
        }
    }

    [Fact]
    public void Summary_NoTls_SaysNone()
    {
        var result = Load(Echo);

        Assert.Contains("tls              none", ContractSummary.Render(result.Config!), StringComparison.Ordinal);
    }
}
