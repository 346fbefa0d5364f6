using System.Net;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Portway.Testing;

namespace Portway.Adapters.Tests.Http;

/// <summary>
/// The h2c prior-knowledge peek reads before Kestrel's timeouts start: a connection that sends nothing, or only the
/// first bytes of the preface, is closed within the request-headers timeout (2 s here) instead of held for ever.
/// </summary>
public sealed class H2cSnifferTimeoutTests : IAsyncLifetime
{
    /// <summary>Far over the 2 s timeout (a loaded machine), far under "never".</summary>
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);

    private PortwayTestServer _server = null!;

    private const string Yaml = """
        runtime:
          web:
            interfaces:
              - kind: http
                endpoints:
                  - { route: "POST /v1/echo", pipeline: echo }
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
        """;

    public async Task InitializeAsync() => _server = await PortwayTestServer.StartAsync(Yaml,
        services => services.Configure<KestrelServerOptions>(o => o.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(2)));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("")]
    [InlineData("PR")]
    [InlineData("PRI * HTTP/2.0\r\n")]
    public async Task SilentOrPartialPreface_IsClosedWithinTheRequestHeadersTimeout(string sent)
    {
        await using var raw = await RawHttp.ConnectAsync(_server.BaseAddress);
        if (sent.Length > 0) await raw.SendAsync(sent);

        Assert.True(await raw.ClosedWithinAsync(Within), "the connection is still open");
    }

    [Fact]
    public async Task AfterSilentConnections_Http1AndH2cStillAnswer()
    {
        await using var silent = await RawHttp.ConnectAsync(_server.BaseAddress);
        foreach (var version in new[] { HttpVersion.Version11, HttpVersion.Version20 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/echo")
            {
                Version = version,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = new StringContent("{\"v\":1}", Encoding.UTF8, "application/json"),
            };
            using var response = await _server.Client.SendAsync(request);
            Assert.Equal(version, response.Version);
            Assert.Equal("{\"v\":1}", await response.Content.ReadAsStringAsync());
        }

        Assert.True(await silent.ClosedWithinAsync(Within), "the silent connection is still open");
    }
}
