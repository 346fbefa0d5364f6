using System.Net;
using System.Text.Json;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.OpenApi;

/// <summary><c>runtime.web.openapi</c> and <c>runtime.web.docs</c> switch the document and the page off and move them.</summary>
public sealed class OpenApiSwitchTests
{
    private static string Yaml(string web) => $$"""
        runtime:
          web:
            {{web}}
            interfaces:
              - kind: http
                endpoints:
                  - { route: "POST /v1/echo", pipeline: echo }
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
        """;

    private static async Task<HttpStatusCode> StatusAsync(PortwayTestServer server, string path)
    {
        using var response = await server.Client.GetAsync(path);
        return response.StatusCode;
    }

    [Fact]
    public async Task OpenApiAndDocs_TurnedOff_AreNotServed()
    {
        await using var server = await PortwayTestServer.StartAsync(Yaml("openapi: { enabled: false }\n    docs: { enabled: false }"));

        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(server, "/openapi.json"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(server, "/docs"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(server, "/docs/"));
    }

    [Fact]
    public async Task DocsTurnedOff_TheDocumentIsStillServed()
    {
        await using var server = await PortwayTestServer.StartAsync(Yaml("docs: { enabled: false }"));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(server, "/openapi.json"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(server, "/docs/"));
    }

    [Fact]
    public async Task OpenApiAndDocs_Moved_ServeAtTheirPaths_AndThePageReadsTheMovedDocument()
    {
        await using var server = await PortwayTestServer.StartAsync(Yaml("openapi: { path: /api/spec.json }\n    docs: { path: /reference }"));

        using (var document = JsonDocument.Parse(await server.Client.GetStringAsync("/api/spec.json")))
        {
            Assert.Equal("3.1.0", document.RootElement.GetProperty("openapi").GetString());
            Assert.True(document.RootElement.GetProperty("paths").TryGetProperty("/v1/echo", out _));
        }

        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(server, "/openapi.json"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(server, "/docs/"));
        using var page = await server.Client.GetAsync("/reference/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("\"url\":\"api/spec.json\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
