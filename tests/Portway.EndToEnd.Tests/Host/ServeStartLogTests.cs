using System.Net;
using System.Text;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Host;

/// <summary>What <c>serve</c> logs at start is true: h2c works on a cleartext listener, so nothing says HTTP/2 is off.</summary>
public sealed class ServeStartLogTests
{
    [Fact]
    public async Task Serve_Cleartext_ServesH2c_AndDoesNotLogThatHttp2IsNotEnabled()
    {
        await using var host = await HostProcess.StartAsync(["serve"]);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/echo")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StringContent("{\"h2\":true}", Encoding.UTF8, "application/json"),
        };

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("{\"h2\":true}", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain("HTTP/2 is not enabled", host.Output, StringComparison.Ordinal);
        Assert.Contains("Now listening on", host.Output, StringComparison.Ordinal);
    }
}
