using Portway.Configuration;

namespace Portway.Framework.Tests.Configuration;

/// <summary><c>runtime.egress</c> and the stages that call an egress: bound, defaulted, every bad value reported at its place.</summary>
public sealed class EgressConfigTests
{
    private static readonly string[] Nodes = ["sys.echo", "sys.http_call", "sys.ws_send", "batch.submit"];

    private static ConfigLoadResult Load(string yaml) => PortwayConfigLoader.Load(yaml, "test.yaml", Nodes);

    [Fact]
    public void Load_Egress_BindsEveryKeyAndFillsDefaults()
    {
        var result = Load("""
            runtime:
              egress:
                http:
                  - name: hooks
                    base_url: http://127.0.0.1:9000/api
                    timeout_ms: 2000
                    total_timeout_ms: 9000
                    max_response_bytes: 4096
                    headers:
                      authorization: { env: HOOKS_TOKEN }
                      x-key: { file: /run/secrets/key }
                      user-agent: portway
                    retry: { max_retries: 5, base_delay_ms: 50, max_delay_ms: 800, jitter: false }
                    breaker: { failure_ratio: 0.25, min_throughput: 4, sampling_ms: 10000, break_ms: 2000 }
                  - { name: plain, base_url: "https://example.org" }
                websocket:
                  - name: events
                    url: ws://127.0.0.1:9001/events
                    send_queue_limit: 8
                    connect_timeout_ms: 1000
                    reconnect: { base_delay_ms: 10, max_delay_ms: 100, jitter: false }
            pipelines:
              call:
                stages:
                  - { name: call, node: sys.http_call, with: { egress: hooks, method: PUT, path: /items } }
              send:
                stages:
                  - { name: send, node: sys.ws_send, with: { egress: events } }
            """);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var egress = result.Config!.Runtime.Egress;
        var hooks = egress.Http[0];
        Assert.Equal(("hooks", "http://127.0.0.1:9000/api", 2000, 9000, 4096), (hooks.Name, hooks.BaseUrl, hooks.TimeoutMs, hooks.TotalTimeoutMs, hooks.MaxResponseBytes));
        Assert.Equal([("authorization", "", "HOOKS_TOKEN", ""), ("x-key", "", "", "/run/secrets/key"), ("user-agent", "portway", "", "")],
            hooks.Headers.Select(h => (h.Name, h.Value, h.Env, h.File)));
        Assert.Equal((5, 50, 800, false), (hooks.Retry.MaxRetries, hooks.Retry.BaseDelayMs, hooks.Retry.MaxDelayMs, hooks.Retry.Jitter));
        Assert.Equal((0.25, 4, 10000, 2000), (hooks.Breaker.FailureRatio, hooks.Breaker.MinThroughput, hooks.Breaker.SamplingMs, hooks.Breaker.BreakMs));
        var plain = egress.Http[1];
        Assert.Equal((10_000, 30_000, 3, 200, 5000, true, 0.5, 10, 5000), (plain.TimeoutMs, plain.TotalTimeoutMs, plain.Retry.MaxRetries, plain.Retry.BaseDelayMs,
            plain.Retry.MaxDelayMs, plain.Retry.Jitter, plain.Breaker.FailureRatio, plain.Breaker.MinThroughput, plain.Breaker.BreakMs));
        var ws = Assert.Single(egress.WebSocket);
        Assert.Equal(("events", "ws://127.0.0.1:9001/events", 8, 1000, 10, 100, false),
            (ws.Name, ws.Url, ws.SendQueueLimit, ws.ConnectTimeoutMs, ws.Reconnect.BaseDelayMs, ws.Reconnect.MaxDelayMs, ws.Reconnect.Jitter));

        var summary = ContractSummary.Render(result.Config);
        Assert.Contains("egress\n  http hooks -> http://127.0.0.1:9000/api timeout_ms=2000 total_timeout_ms=9000 max_response_bytes=4096\n"
            + "    retry max_retries=5 base_delay_ms=50 max_delay_ms=800 jitter=off\n", summary, StringComparison.Ordinal);
        Assert.Contains("headers authorization (env HOOKS_TOKEN), x-key (file /run/secrets/key), user-agent (literal)", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("portway\n", summary.Split("egress\n")[1], StringComparison.Ordinal); // a literal header value is not printed
        Assert.Contains("\"send_queue_limit\": 8", ContractSummary.RenderJson(result.Config), StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_WithoutEgress_HasNoEgressBlock()
    {
        var result = Load("""
            pipelines:
              echo: { stages: [ { name: echo, node: sys.echo } ] }
            """);

        Assert.DoesNotContain("egress", ContractSummary.Render(result.Config!), StringComparison.Ordinal);
        Assert.DoesNotContain("\"egress\"", ContractSummary.RenderJson(result.Config!), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadEgress_ReportsEveryProblemAtItsLine()
    {
        var result = Load("""
            runtime:
              egress:
                http:
                  - name: hooks
                    base_url: ftp://example.org
                    timeout_ms: 5
                    retry: { max_retries: 11, base_delay_ms: 500, max_delay_ms: 100, backoff: linear }
                    breaker: { failure_ratio: 2, break_ms: 10 }
                    headers:
                      host: example.org
                      authorization: { env: A, file: B }
                  - { name: hooks, base_url: "http://x/", timeout_ms: 5000, total_timeout_ms: 1000 }
                  - { base_url: "http://y/" }
                websocket:
                  - { name: events, url: "http://127.0.0.1/ws", send_queue_limit: 0 }
                smtp: []
            pipelines:
              call:
                stages:
                  - { name: a, node: sys.http_call, with: { egress: event } }
                  - { name: b, node: sys.http_call, with: { egress: events, method: TRACE }, after: [a] }
                  - { name: c, node: sys.ws_send, after: [b] }
                  - { name: d, node: batch.submit, with: { egress: nowhere }, after: [c] }
                  - { name: e, node: sys.http_call, with: { egress: hooks, path: relative }, after: [d] }
            """);

        var messages = result.Problems.Select(p => $"{p.Line}:{p.Column}: {p.Message}").ToArray();
        void Has(int line, string text) => Assert.True(
            messages.Any(m => m.StartsWith($"{line}:", StringComparison.Ordinal) && m.Contains(text, StringComparison.Ordinal)),
            $"no problem at line {line} with '{text}' in:\n{string.Join("\n", messages)}");

        Has(5, "base_url: expected an http:// or https:// URL");
        Has(6, "timeout_ms: must be between 10 and 600000, got 5");
        Has(7, "max_retries: must be between 0 and 10, got 11");
        Has(7, "unknown key 'backoff' in retry");
        Has(7, "retry.max_delay_ms (100) is below base_delay_ms (500)");
        Has(8, "failure_ratio: expected a number from 0.01 to 1, got 2");
        Has(8, "break_ms: must be between 500 and 3600000, got 10");
        Has(10, "header 'host' is set by the runtime");
        Has(11, "header 'authorization': expected exactly one of env or file");
        Has(12, "egress name 'hooks' is declared twice");
        Has(12, "timeout_ms (5000) is over total_timeout_ms (1000)");
        Has(13, "missing required key 'name' in http egress");
        Has(15, "url: expected a ws:// or wss:// URL");
        Has(15, "send_queue_limit: must be between 1 and 100000, got 0");
        Has(16, "unknown key 'smtp' in runtime.egress");
        Has(20, "with.egress names unknown egress 'event'; did you mean 'events'?");
        Has(21, "sys.http_call needs an http egress, but 'events' is a websocket egress");
        Has(21, "with.method must be one of GET, POST, PUT, PATCH, DELETE");
        Has(22, "sys.ws_send needs with: { egress: NAME }");
        Has(23, "with.egress names unknown egress 'nowhere'");
        Has(24, "with.path must be a path starting with '/'");
    }
}
