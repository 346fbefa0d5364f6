using System.Net;
using System.Text;
using Portway.Observability;

namespace Portway.Adapters.Tests.Http;

/// <summary>SIGTERM drains: in-flight requests may finish within drain_timeout_ms; the rest answer unavailable.</summary>
public sealed class DrainTests
{
    [Fact]
    public async Task Stop_InFlightPastDrainTimeout_AnswersUnavailable_ShortOneFinishes()
    {
        var (server, events) = await HttpTestConfig.StartAsync();
        await using var _ = server;
        var longOne = Send(server.Client, "long", "{\"ms\":60000}");
        var shortOne = Send(server.Client, "short", "{\"ms\":100}");
        await events.WaitForAsync(e => e.RequestId == "long" && e.Kind == BoundaryEventKind.RoutingHandoff);
        await events.WaitForAsync(e => e.RequestId == "short" && e.Kind == BoundaryEventKind.RoutingHandoff);

        var stopping = server.StopAsync();
        using var longResponse = await longOne.WaitAsync(TimeSpan.FromSeconds(10));
        using var shortResponse = await shortOne.WaitAsync(TimeSpan.FromSeconds(10));
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.OK, shortResponse.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, longResponse.StatusCode);
        Assert.Contains("unavailable", await longResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, server.PendingWaiters);
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, string id, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/slow") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-request-id", id);
        return client.SendAsync(request);
    }
}
