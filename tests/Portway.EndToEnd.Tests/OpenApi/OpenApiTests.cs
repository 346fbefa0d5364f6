using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.OpenApi;

/// <summary>
/// <c>/openapi.json</c> and <c>/docs</c> of the default profile (config/runtime.yaml) on the real host: the document
/// passes an independent OpenAPI 3.1 validator, describes every declared http endpoint from the typed nodes, and
/// each operation's example request answers with a documented status and media type.
/// </summary>
public sealed partial class OpenApiTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "portway-openapi-data-" + Guid.NewGuid().ToString("N"));
    private PortwayTestServer _server = null!;
    private Portway.Configuration.PortwayConfig _config = null!;

    public async Task InitializeAsync()
    {
        _config = TestConfig.LoadRepoFile("runtime.yaml");
        _config.Runtime.Platform.DataDir = _dataDir;
        _server = await PortwayTestServer.StartAsync(_config);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    private async Task<JsonObject> DocumentAsync()
    {
        using var response = await _server.Client.GetAsync("/openapi.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    [Fact]
    public async Task OpenApi_ValidatesAsOpenApi31_AndDescribesEveryHttpEndpoint()
    {
        var json = await _server.Client.GetStringAsync("/openapi.json");
        var (valid, output) = await OpenApiValidator.ValidateAsync(json);
        Assert.True(valid, "the OpenAPI validator refused the document: " + output);
        Assert.Contains("\"version\":\"3.1\"", output, StringComparison.Ordinal);

        var document = JsonNode.Parse(json)!.AsObject();
        Assert.Equal("3.1.0", document["openapi"]!.GetValue<string>());
        var paths = document["paths"]!.AsObject();
        var declared = _config.Runtime.Web.Interfaces.Where(i => i.Kind == "http").SelectMany(i => i.Endpoints).ToArray();
        Assert.NotEmpty(declared);
        foreach (var endpoint in declared)
        {
            Assert.True(paths[endpoint.Path]?[endpoint.Method.ToLowerInvariant()] is JsonObject, $"{endpoint.Route} is in the document");
        }

        Assert.Equal(declared.Length, paths.Sum(p => p.Value!.AsObject().Count));
        var put = paths["/v1/tenants/{tenant}/profiles/{profile}"]!["put"]!;
        Assert.Equal(["tenant", "profile"], put["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
        Assert.Equal("path", put["parameters"]![0]!["in"]!.GetValue<string>());
        Assert.NotNull(put["requestBody"]!["content"]!["application/json"]!["schema"]!["properties"]!["vector"]);
        var feedback = paths["/v1/resonance/feedback"]!["post"]!;
        var input = feedback["requestBody"]!["content"]!["application/json"]!["schema"]!["properties"]!.AsObject();
        Assert.Contains("text", input.Select(p => p.Key));
        Assert.NotNull(feedback["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["properties"]!["hrv_feedback"]);
        var ticks = paths["/v1/ticks"]!["post"]!["responses"]!["200"]!["content"]!.AsObject();
        Assert.Equal(["application/x-ndjson", "text/event-stream"], ticks.Select(c => c.Key));
        Assert.NotNull(ticks["application/x-ndjson"]!["schema"]!["properties"]!["n"]);
        foreach (var (status, code) in new[] { ("400", "validation_failed"), ("404", "not_found"), ("413", "payload_too_large"), ("504", "timeout"), ("503", "unavailable") })
        {
            Assert.Contains(code, feedback["responses"]![status]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task OpenApi_EveryOperationsExampleRequest_AnswersAsDocumented()
    {
        var document = await DocumentAsync();
        var tried = 0;
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var url = path;
                foreach (var parameter in operation!["parameters"]?.AsArray() ?? [])
                {
                    url = url.Replace("{" + parameter!["name"]!.GetValue<string>() + "}", parameter["example"]!.GetValue<string>(), StringComparison.Ordinal);
                }

                using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url);
                if (operation["requestBody"]?["content"]?["application/json"]?["example"] is { } example)
                {
                    request.Content = new StringContent(example.ToJsonString(), Encoding.UTF8, "application/json");
                }

                // Headers first: a stream (NDJSON / SSE, a watch that never ends) is judged by its status and media type.
                using var response = await _server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var documented = operation["responses"]![status];
                Assert.True(documented is not null, $"{method.ToUpperInvariant()} {url} answered {status}, which its operation does not document");
                var mediaType = response.Content.Headers.ContentType?.MediaType;
                Assert.True(documented!["content"]!.AsObject().ContainsKey(mediaType!), $"{method} {url} answered {status} as {mediaType}, documented: {documented["content"]!.ToJsonString()}");
                if (mediaType == "application/json")
                {
                    var body = await response.Content.ReadAsStringAsync();
                    using var parsed = JsonDocument.Parse(body);
                    if (status != "200") Assert.True(parsed.RootElement.GetProperty("error").TryGetProperty("code", out _), body);
                }

                tried++;
            }
        }

        Assert.Equal(_config.Runtime.Web.Interfaces.Where(i => i.Kind == "http").Sum(i => i.Endpoints.Count), tried);
    }

    [Fact]
    public async Task Docs_ServesThePageAndItsScriptFromTheHost_NoCdn()
    {
        using var page = await _server.Client.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        // The page's script resolves the document's URL against the app's root: /openapi.json.
        Assert.Contains("\"url\":\"openapi.json\"", html, StringComparison.Ordinal);
        var scripts = ScriptSource().Matches(html).Select(m => m.Groups[1].Value).ToArray();
        Assert.NotEmpty(scripts);
        long bytes = 0;
        foreach (var src in scripts)
        {
            Assert.False(src.StartsWith("http:", StringComparison.OrdinalIgnoreCase) || src.StartsWith("https:", StringComparison.OrdinalIgnoreCase) || src.StartsWith("//", StringComparison.Ordinal),
                $"the docs page loads {src} from elsewhere");
            using var script = await _server.Client.GetAsync(new Uri(new Uri(_server.BaseAddress, "/docs/"), src));
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            bytes += (await script.Content.ReadAsByteArrayAsync()).Length;
        }

        Assert.True(bytes > 1_000_000, $"the page's scripts ({bytes} bytes) hold Scalar's bundle, served by the host");
    }

    [GeneratedRegex("<script[^>]*\\ssrc=\"([^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptSource();
}
