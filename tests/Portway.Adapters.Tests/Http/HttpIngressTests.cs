using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Portway.Observability;
using Portway.Testing;

namespace Portway.Adapters.Tests.Http;

public sealed class HttpIngressTests : IAsyncLifetime
{
    private PortwayTestServer _server = null!;
    private RecordingEventSink _events = null!;

    public async Task InitializeAsync() => (_server, _events) = await HttpTestConfig.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response)
    {
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return body.GetProperty("error");
    }

    [Fact]
    public async Task WEB01_EndpointAddedInYaml_IsServed()
    {
        var yaml = HttpTestConfig.Yaml.Replace(
            """- { route: "POST /v1/fail", pipeline: fail }""",
            """- { route: "POST /v1/fail", pipeline: fail }""" + "\n          - { route: \"POST /v2/brand-new\", pipeline: echo }",
            StringComparison.Ordinal);
        var (server, _) = await HttpTestConfig.StartAsync(yaml);
        await using var _s = server;

        using var added = await server.Client.PostAsync("/v2/brand-new", Json("{\"new\":true}"));
        using var absent = await _server.Client.PostAsync("/v2/brand-new", Json("{}"));

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal("{\"new\":true}", await added.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);
    }

    [Fact]
    public async Task WEB02_Ingress_EmitsEnvelopeWithCallersCorrelation()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/tenants/acme/things/t-1") { Content = Json("{\"n\":5,\"thing\":\"ignored\"}") };
        request.Headers.Add("x-request-id", "req-42");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");

        using var response = await _server.Client.SendAsync(request);
        var seen = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("req-42", seen.GetProperty("request_id").GetString());
        Assert.Equal(traceId, seen.GetProperty("trace_id").GetString());
        Assert.Equal("acme", seen.GetProperty("tenant").GetString());
        Assert.StartsWith($"00-{traceId}-", seen.GetProperty("traceparent").GetString(), StringComparison.Ordinal);
        Assert.Equal("""{"tenant":"acme","thing":"t-1","n":5}""", seen.GetProperty("input").GetRawText());
        Assert.Equal("req-42", response.Headers.GetValues("x-request-id").Single());
        Assert.StartsWith($"00-{traceId}-", response.Headers.GetValues("traceparent").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WEB02_NoCorrelationSent_AllocatesFreshIds()
    {
        using var response = await _server.Client.GetAsync("/v1/tenants/acme/things/t-1");
        var seen = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        var requestId = response.Headers.GetValues("x-request-id").Single();
        var traceparent = response.Headers.GetValues("traceparent").Single();
        Assert.Equal(requestId, seen.GetProperty("request_id").GetString());
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$", traceparent);
        Assert.Equal(traceparent[3..35], seen.GetProperty("trace_id").GetString());
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    public async Task WEB02_MalformedRequestId_IsReplaced(string requestId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/echo") { Content = Json("{}") };
        request.Headers.TryAddWithoutValidation("x-request-id", requestId);

        using var response = await _server.Client.SendAsync(request);

        Assert.Matches("^[0-9a-f]{32}$", response.Headers.GetValues("x-request-id").Single());
    }

    [Fact]
    public async Task WEB03_ThousandConcurrentRequests_EachGetsItsOwnAnswer()
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 64 };
        using var client = new HttpClient(handler) { BaseAddress = _server.BaseAddress };
        var tasks = Enumerable.Range(0, 1000).Select(async i =>
        {
            using var response = await client.PostAsync("/v1/echo", Json($"{{\"i\":{i},\"pad\":\"{new string('x', i % 50)}\"}}"));
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            return (i, status: response.StatusCode, echoed: body.GetProperty("i").GetInt32(), pad: body.GetProperty("pad").GetString()!.Length);
        });

        var results = await Task.WhenAll(tasks);

        Assert.All(results, r =>
        {
            Assert.Equal(HttpStatusCode.OK, r.status);
            Assert.Equal(r.i, r.echoed);
            Assert.Equal(r.i % 50, r.pad);
        });
        Assert.Equal(0, _server.PendingWaiters);
    }

    public static TheoryData<string> Codes() => new(ErrorCode.All);

    [Theory]
    [MemberData(nameof(Codes))]
    public async Task WEB04_EachTaxonomyCode_MapsToItsStatusAndErrorBody(string code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/fail") { Content = Json($"{{\"code\":\"{code}\",\"message\":\"m-{code}\"}}") };
        request.Headers.Add("x-request-id", "r-" + code);

        using var response = await _server.Client.SendAsync(request);
        var error = await ErrorOf(response);

        var expected = code switch
        {
            "validation_failed" => 400, "unauthorized" => 401, "forbidden" => 403, "not_found" => 404,
            "method_not_allowed" => 405, "conflict" => 409, "payload_too_large" => 413, "unsupported_media_type" => 415,
            "rate_limited" => 429, "internal" => 500, "bad_gateway" => 502, "unavailable" => 503, "timeout" => 504, _ => 0,
        };
        Assert.Equal(expected, (int)response.StatusCode);
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal("m-" + code, error.GetProperty("message").GetString());
        Assert.Equal("r-" + code, error.GetProperty("request_id").GetString());
        Assert.Matches("^[0-9a-f]{32}$", error.GetProperty("trace_id").GetString());
    }

    [Fact]
    public async Task ErrorBody_ReadsAsWritten_QuotesAngleBracketsAndAccents_WhileStayingOneLineOfJson()
    {
        using var response = await _server.Client.PostAsync("/v1/fail", Json("{\"code\":\"conflict\",\"message\":\"it's <b> & caf\u00e9\\nnext\"}"));
        var raw = await response.Content.ReadAsStringAsync();

        // As a user reads it with curl: not it\u0027s \u003Cb\u003E; the newline stays escaped (one NDJSON/SSE line).
        Assert.Contains("\"message\":\"it's <b> & café\\nnext\"", raw, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', raw);
        Assert.Equal("it's <b> & café\nnext", JsonDocument.Parse(raw).RootElement.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task MalformedJson_Is400ValidationFailed()
    {
        using var response = await _server.Client.PostAsync("/v1/echo", Json("{\"a\":"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("validation_failed", (await ErrorOf(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task WrongContentType_Is415()
    {
        using var response = await _server.Client.PostAsync("/v1/echo", new StringContent("{}", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("unsupported_media_type", (await ErrorOf(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task BodyOverMax_WithContentLength_Is413()
    {
        using var response = await _server.Client.PostAsync("/v1/echo", Json($"\"{new string('x', 1100)}\""));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload_too_large", (await ErrorOf(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task BodyOverMax_Chunked_Is413()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($"\"{new string('x', 5000)}\"")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/echo") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task UnknownRoute_Is404InErrorFormat()
    {
        using var response = await _server.Client.GetAsync("/v1/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", (await ErrorOf(response)).GetProperty("code").GetString());
        Assert.True(response.Headers.Contains("x-request-id"));
    }

    [Fact]
    public async Task WrongMethod_Is405WithAllowHeader()
    {
        using var response = await _server.Client.DeleteAsync("/v1/echo");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("method_not_allowed", (await ErrorOf(response)).GetProperty("code").GetString());
        Assert.Equal(["POST", "PUT"], response.Content.Headers.Allow.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task NonObjectBody_OnRouteWithParameters_Is400()
    {
        using var response = await _server.Client.PostAsync("/v1/tenants/acme/things/t", Json("[1,2]"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("JSON object", (await ErrorOf(response)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deadline_Is504Timeout()
    {
        using var response = await _server.Client.PostAsync("/v1/delay", Json("{\"ms\":5000}"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("timeout", (await ErrorOf(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task WEB08_BurstOfTimeoutsCancelsAndSuccesses_LeavesNoPendingWaiters()
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 100 };
        using var client = new HttpClient(handler) { BaseAddress = _server.BaseAddress };

        var timeouts = Enumerable.Range(0, 30).Select(_ => client.PostAsync("/v1/delay", Json("{\"ms\":60000}")));
        var normals = Enumerable.Range(0, 30).Select(i => client.PostAsync("/v1/echo", Json($"{{\"i\":{i}}}")));
        var cancelled = Enumerable.Range(0, 30).Select(async i =>
        {
            using var cts = new CancellationTokenSource();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/slow") { Content = Json("{\"ms\":60000}") };
            request.Headers.Add("x-request-id", "cancel-" + i);
            var send = client.SendAsync(request, cts.Token);
            await _events.WaitForAsync(e => e.RequestId == "cancel-" + i && e.Kind == BoundaryEventKind.IngressAccepted);
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
            return i;
        });

        var done = await Task.WhenAll(timeouts.Concat(normals));
        await Task.WhenAll(cancelled);

        Assert.Equal(30, done.Count(r => r.StatusCode == HttpStatusCode.GatewayTimeout));
        Assert.Equal(30, done.Count(r => r.StatusCode == HttpStatusCode.OK));
        await Eventually.TrueAsync(() => _server.PendingWaiters == 0, TimeSpan.FromSeconds(10), "pending waiters back to 0");
        for (var i = 0; i < 30; i++)
        {
            await _events.WaitForAsync(e => e.RequestId == "cancel-" + i && e.Kind == BoundaryEventKind.EgressFailed && e.Code == "cancelled");
        }

        using var stats = await _server.Client.GetAsync("/stats");
        var body = JsonDocument.Parse(await stats.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(0, body.GetProperty("pending_waiters").GetInt32());
        Assert.Equal(0, body.GetProperty("tcp_local").GetProperty("refused_connections").GetInt64());
        Assert.Equal(30, body.GetProperty("requests").GetProperty("timeout").GetInt32());
        Assert.Equal(30, body.GetProperty("requests").GetProperty("cancelled").GetInt32());
        foreach (var r in done) r.Dispose();
    }

    [Fact]
    public async Task Health_AnswersOk()
    {
        using var response = await _server.Client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"status\":\"ok\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HealthAndStats_RenamedOrRemovedInYaml()
    {
        var yaml = HttpTestConfig.Yaml.Replace("drain_timeout_ms: 2000", "drain_timeout_ms: 2000\n    health: { path: /livez }\n    stats: { enabled: false }", StringComparison.Ordinal);
        var (server, _) = await HttpTestConfig.StartAsync(yaml);
        await using var _s = server;

        using var renamed = await server.Client.GetAsync("/livez");
        using var oldHealth = await server.Client.GetAsync("/health");
        using var stats = await server.Client.GetAsync("/stats");

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, oldHealth.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, stats.StatusCode);
    }
}
