using System.Net;
using System.Text;
using System.Text.Json;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Egress;

/// <summary>
/// The batch processor delivering each finished batch through an HTTP egress (<c>batch.submit</c> with
/// <c>with: { egress, path }</c>), to a real local peer that fails before it accepts.
/// </summary>
public sealed class BatchDeliveryEndToEndTests : IAsyncLifetime
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
                  - name: results
                    base_url: {{_peer.BaseAddress}}
                    retry: { max_retries: 3, base_delay_ms: 10, max_delay_ms: 50 }
              web:
                interfaces:
                  - kind: http
                    binds: [request, response]
                    endpoints:
                      - { route: "POST /v1/batches", pipeline: batch_submit }
            pipelines:
              batch_submit:
                stages:
                  - { name: submit, node: batch.submit, with: { concurrency: 2, egress: results, path: /batches/done } }
            """);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _peer.DisposeAsync();
    }

    [Fact]
    public async Task FinishedBatch_IsDeliveredWithItsResultsAndTrace_AfterThePeersFailures()
    {
        _peer.Answer = n => n <= 2 ? (503, "{}") : (204, "");
        const string traceId = "5bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batches")
        {
            Content = new StringContent("""{"items":["Hello there.","","Hello there."],"priority":4}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");

        using var response = await _host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        await Eventually.TrueAsync(() => _peer.Hits == 3, Deadline, "the delivery succeeds on the third attempt");

        var delivered = _peer.Requests.ToArray()[^1];
        Assert.Equal(("POST", "/batches/done"), (delivered.Method, delivered.Path));
        Assert.StartsWith($"00-{traceId}-", delivered.TraceParent, StringComparison.Ordinal);
        var batch = JsonDocument.Parse(delivered.Body).RootElement;
        Assert.Equal(id, batch.GetProperty("id").GetString());
        Assert.Equal("completed", batch.GetProperty("status").GetString());
        Assert.Equal((2, 1), (batch.GetProperty("counts").GetProperty("done").GetInt32(), batch.GetProperty("counts").GetProperty("failed").GetInt32()));
        Assert.Equal("validation_failed", batch.GetProperty("items")[1].GetProperty("error").GetProperty("code").GetString());

        await Eventually.TrueAsync(() => Stats().GetProperty("batches").GetProperty("delivered").GetInt64() == 1, Deadline, "the delivery is counted");
        var egress = Stats().GetProperty("egress").GetProperty("http").GetProperty("results");
        Assert.Equal((1, 2, "closed"), (egress.GetProperty("calls").GetInt64(), egress.GetProperty("retries").GetInt64(), egress.GetProperty("breaker").GetString()));
    }

    private JsonElement Stats()
    {
        using var response = _host.Client.GetAsync("/stats").GetAwaiter().GetResult();
        return JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult()).RootElement.Clone();
    }
}
