using System.Net;
using System.Text;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Host;

/// <summary>The real executable: serve, answer, drain on SIGTERM, exit 0; bad config exits 1 naming every problem.</summary>
public sealed class ServeProcessTests
{
    private static string WriteConfig(string yaml)
    {
        var path = Path.Combine(Path.GetTempPath(), "portway-" + Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public async Task Serve_AnswersThenDrainsOnSigterm_AndExitsZero()
    {
        var config = WriteConfig("""
            runtime:
              web:
                drain_timeout_ms: 20000
                interfaces:
                  - kind: http
                    endpoints:
                      - { route: "POST /v1/echo", pipeline: echo }
                      - { route: "POST /v1/delay", pipeline: delay }
            pipelines:
              echo: { stages: [ { name: echo, node: sys.echo } ] }
              delay: { stages: [ { name: d, node: sys.delay } ] }
            """);
        await using var host = await HostProcess.StartAsync(["serve", "--config", config]);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        using var echo = await client.PostAsync("/v1/echo", new StringContent("{\"a\":1}", Encoding.UTF8, "application/json"));
        Assert.Equal("{\"a\":1}", await echo.Content.ReadAsStringAsync());
        // Long enough that it is surely still in flight when /stats is read, even on a loaded machine; the
        // drain timeout is longer still, so draining lets it finish.
        var inFlight = client.PostAsync("/v1/delay", new StringContent("{\"ms\":4000}", Encoding.UTF8, "application/json"));
        await Eventually.TrueAsync(() => StatsPending(client) > 0, TimeSpan.FromSeconds(10), "the delay request is in flight");

        host.Terminate();

        using var drained = await inFlight.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, drained.StatusCode);
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Contract summary", host.Output, StringComparison.Ordinal);
        Assert.Contains("Draining", host.Output, StringComparison.Ordinal);
        File.Delete(config);
    }

    [Fact]
    public async Task Serve_InvalidConfig_ExitsOneListingEveryProblem()
    {
        var config = WriteConfig("""
            runtime:
              web:
                listne: x
                interfaces:
                  - kind: http
                    endpoints:
                      - { route: "POST /v1/echo", pipeline: nope }
            pipelines:
              echo: { stages: [ { name: echo, node: sys.ecko } ] }
            """);
        await using var host = await HostProcess.StartAsync(["serve", "--config", config], waitForListening: false);

        Assert.Equal(1, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("listen", host.Output, StringComparison.Ordinal);
        Assert.Contains("nope", host.Output, StringComparison.Ordinal);
        Assert.Contains("sys.echo", host.Output, StringComparison.Ordinal);
        Assert.Contains(config + ":", host.Output, StringComparison.Ordinal);
        File.Delete(config);
    }

    [Fact]
    public async Task Serve_AddressAlreadyInUse_ExitsOneNamingTheAddress()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";
        await using var host = await HostProcess.StartAsync(["serve", "--urls", url], waitForListening: false);

        Assert.Equal(1, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"{url}: address already in use", host.Output, StringComparison.Ordinal);
        Assert.Contains("not serving", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", host.Output, StringComparison.Ordinal);
    }

    private static int StatsPending(HttpClient client)
    {
        using var response = client.GetAsync("/stats").GetAwaiter().GetResult();
        var body = System.Text.Json.JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
        return body.RootElement.GetProperty("pending_waiters").GetInt32();
    }
}
