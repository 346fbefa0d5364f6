using System.Net;
using System.Text;
using System.Text.Json;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Egress;

/// <summary>
/// A pipeline stage calling out (<c>sys.http_call</c> over <c>runtime.egress.http</c>) in the real host, against a
/// real local peer: the answer, the taxonomy of its failures, the caller's deadline before the retries, the trace.
/// </summary>
public sealed class HttpCallEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private FlakyServer _peer = null!;
    private PortwayTestServer _host = null!;

    public async Task InitializeAsync()
    {
        _peer = await FlakyServer.StartAsync();
        _host = await PortwayTestServer.StartAsync($$"""
            runtime:
              egress:
                http:
                  - name: upstream
                    base_url: {{_peer.BaseAddress}}
                    timeout_ms: 5000
                    retry: { max_retries: 3, base_delay_ms: 60000, max_delay_ms: 60000, jitter: false }
                    breaker: { min_throughput: 100 }
              web:
                interfaces:
                  - kind: http
                    binds: [request, response]
                    endpoints:
                      - { route: "POST /v1/call", pipeline: call, timeout_ms: 1500 }
            pipelines:
              call:
                stages:
                  - { name: call, node: sys.http_call, with: { egress: upstream, path: /hook } }
            """);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _peer.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> CallAsync(string json, string? traceParent = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/call") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (traceParent is not null) request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        using var response = await _host.Client.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task Call_AnswersTheUpstreamJson_AndTheUpstreamSeesTheCallersTraceId()
    {
        _peer.Answer = _ => (200, """{"answer":42}""");
        const string traceId = "0af7651916cd43dd8448eb211c80319c";

        var (status, body) = await CallAsync("""{"x":1}""", $"00-{traceId}-b7ad6b7169203331-01");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(42, body.GetProperty("answer").GetInt32());
        var seen = Assert.Single(_peer.Requests);
        Assert.Equal(("POST", "/hook", """{"x":1}"""), (seen.Method, seen.Path, seen.Body));
        Assert.StartsWith($"00-{traceId}-", seen.TraceParent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_Upstream404_Is502BadGateway()
    {
        _peer.Answer = _ => (404, "{}");

        var (status, body) = await CallAsync("{}");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("bad_gateway", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("answered 404", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_UpstreamFailing_CallerGets504AtItsDeadline_AndTheRetriesStopThere()
    {
        _peer.Answer = _ => (503, "{}");

        var (status, body) = await CallAsync("{}");

        // The first retry would wait 60 s; the endpoint's deadline (1.5 s) answers first, and cancels the call.
        Assert.Equal(HttpStatusCode.GatewayTimeout, status);
        Assert.Equal("timeout", body.GetProperty("error").GetProperty("code").GetString());
        await Eventually.TrueAsync(() => Stats().GetProperty("egress").GetProperty("http").GetProperty("upstream").GetProperty("failures").GetInt64() == 1,
            Deadline, "the egress call ended with the caller's deadline (not after its 60 s retry delay)");
        Assert.Equal(1, _peer.Hits);
        await Eventually.TrueAsync(() => _host.PendingWaiters == 0, Deadline, "no waiter pending");
    }

    private JsonElement Stats()
    {
        using var response = _host.Client.GetAsync("/stats").GetAwaiter().GetResult();
        return JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult()).RootElement.Clone();
    }
}
