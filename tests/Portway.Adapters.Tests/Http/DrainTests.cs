using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Portway.Internal.Lifecycle;
using Portway.Observability;
using Portway.Testing;

namespace Portway.Adapters.Tests.Http;

/// <summary>SIGTERM drains: in-flight requests may finish within drain_timeout_ms; the rest answer unavailable.</summary>
public sealed class DrainTests
{
    [Fact]
    public async Task Stop_RequestFinishingDuringDrain_Succeeds_OnePastDrainTimeout_IsUnavailable()
    {
        var (server, events) = await HttpTestConfig.StartAsync();
        await using var _ = server;
        var stuck = Send(server.Client, "/v1/slow", "stuck", "{\"ms\":60000}");
        var gated = Send(server.Client, "/v1/gate", "gated", "{\"n\":1}");
        await events.WaitForAsync(e => e.RequestId == "stuck" && e.Kind == BoundaryEventKind.RoutingHandoff);
        await events.WaitForAsync(e => e.RequestId == "gated" && e.Kind == BoundaryEventKind.RoutingHandoff);

        var stopping = server.StopAsync();
        var drain = server.Services.GetRequiredService<DrainCoordinator>();
        await Eventually.TrueAsync(() => drain.IsDraining, TimeSpan.FromSeconds(10), "draining began");
        server.Services.GetRequiredService<Gate>().Open.SetResult();

        using var gatedResponse = await gated.WaitAsync(TimeSpan.FromSeconds(10));
        using var stuckResponse = await stuck.WaitAsync(TimeSpan.FromSeconds(10));
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.OK, gatedResponse.StatusCode);
        Assert.Equal("{\"n\":1}", await gatedResponse.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stuckResponse.StatusCode);
        Assert.Contains("\"unavailable\"", await stuckResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(drain.Drained.IsCancellationRequested);
        Assert.Equal(0, server.PendingWaiters);
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, string path, string id, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-request-id", id);
        return client.SendAsync(request);
    }
}
