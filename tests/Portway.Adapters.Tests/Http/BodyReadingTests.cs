using System.Net;
using System.Text;
using System.Text.Json;
using Portway.Testing;

namespace Portway.Adapters.Tests.Http;

/// <summary>
/// Bodies that cannot be read (bad chunk framing, a short body, a stall), bodies without a length (HTTP/2, chunked)
/// and bodies that are not UTF-8: every one is answered with a status, the error body and the ids, never 200 empty.
/// </summary>
public sealed class BodyReadingTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    private const string Yaml = """
        runtime:
          web:
            interfaces:
              - kind: http
                endpoints:
                  - { route: "POST /v1/echo", pipeline: echo }
                  - { route: "PUT /v1/tenants/{tenant}/things/{thing}", pipeline: echo }
                  - { route: "POST /v1/ticks", pipeline: ticks, timeout_ms: 10000 }
              - kind: graphql
                path: /graphql
                types:
                  Echo: { x: Int, s: String }
                query:
                  echo: { pipeline: echo, args: { x: Int, s: String }, returns: Echo }
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
          ticks: { stages: [ { name: ticks, node: sys.ticks } ] }
        """;

    private static string Head(string method, string path, string framing) =>
        $"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{framing}\r\nx-request-id: req-body-1\r\nConnection: close\r\n\r\n";

    private static void AssertErrorAnswer(string raw, int status, string code)
    {
        Assert.True(raw.StartsWith($"HTTP/1.1 {status} ", StringComparison.Ordinal), $"the answer was: [{raw}]");
        Assert.Contains("x-request-id: req-body-1", raw, StringComparison.OrdinalIgnoreCase);
        var json = raw[(raw.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        var root = JsonDocument.Parse(json).RootElement;
        if (root.TryGetProperty("errors", out var errors))
        {
            // GraphQL's request error: {"errors":[{"message","extensions":{"code","request_id"}}]}
            var extensions = errors[0].GetProperty("extensions");
            Assert.Equal(code, extensions.GetProperty("code").GetString());
            Assert.Equal("req-body-1", extensions.GetProperty("request_id").GetString());
            return;
        }

        var error = root.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal("req-body-1", error.GetProperty("request_id").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("trace_id").GetString()));
    }

    [Theory]
    [InlineData("POST", "/v1/echo")]
    [InlineData("PUT", "/v1/tenants/acme/things/k")]
    [InlineData("POST", "/v1/ticks")]
    [InlineData("POST", "/graphql")]
    public async Task MalformedChunkFraming_Is400ValidationFailed(string method, string path)
    {
        await using var server = await PortwayTestServer.StartAsync(Yaml);
        await using var raw = await RawHttp.ConnectAsync(server.BaseAddress);

        await raw.SendAsync(Head(method, path, "Transfer-Encoding: chunked") + "zz\r\n{}\r\n0\r\n\r\n");
        var answer = await raw.ReadToEndAsync(Within);

        AssertErrorAnswer(answer, 400, "validation_failed");
        Assert.Equal(0, server.PendingWaiters);
    }

    [Theory]
    [InlineData("Content-Length: 100", "{\"a\":1,")]
    [InlineData("Transfer-Encoding: chunked", "3\r\n{\"a")]
    public async Task StalledBody_Is408WithTheErrorBody(string framing, string part)
    {
        await using var server = await PortwayTestServer.StartAsync(Yaml);
        await using var raw = await RawHttp.ConnectAsync(server.BaseAddress);

        // Kestrel's minimum request body data rate (240 bytes/s after a 5 s grace period) ends the stall. (A client
        // that half-closes instead is a connection Kestrel aborts: there is no one left to answer.)
        await raw.SendAsync(Head("POST", "/v1/echo", framing) + part);
        var answer = await raw.ReadToEndAsync(Within);

        AssertErrorAnswer(answer, 408, "timeout");
        Assert.Equal(0, server.PendingWaiters);
    }

    [Fact]
    public async Task EmptyChunkedBody_IsAnEmptyObject()
    {
        await using var server = await PortwayTestServer.StartAsync(Yaml);
        await using var raw = await RawHttp.ConnectAsync(server.BaseAddress);

        await raw.SendAsync(Head("POST", "/v1/echo", "Transfer-Encoding: chunked") + "0\r\n\r\n");
        var answer = await raw.ReadToEndAsync(Within);

        Assert.StartsWith("HTTP/1.1 200 ", answer, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n{}", answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task BodyWithoutContentLength_IsRead(string version)
    {
        await using var server = await PortwayTestServer.StartAsync(Yaml);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/echo")
        {
            Version = Version.Parse(version),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new UnknownLengthContent("{\"a\":1}"),
        };

        using var response = await server.Client.SendAsync(request);

        Assert.Equal(Version.Parse(version), response.Version);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"a\":1}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Http2BodyWithoutContentLength_OnARouteWithParameters_IsMerged()
    {
        await using var server = await PortwayTestServer.StartAsync(Yaml);
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/tenants/acme/things/k")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new UnknownLengthContent("{\"vector\":[1]}"),
        };

        using var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"tenant\":\"acme\",\"thing\":\"k\",\"vector\":[1]}", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("POST", "/v1/echo", "{\"s\":\"a\xff\"}")]
    [InlineData("PUT", "/v1/tenants/acme/things/k", "{\"\xff\":1}")]
    [InlineData("POST", "/v1/ticks", "{\"count\":1,\"\xfe\":1}")]
    [InlineData("POST", "/graphql", "{\"query\":\"{ echo(s: \\\"\xff\\\") { s } }\"}")]
    [InlineData("POST", "/graphql", "{\"query\":\"{ echo { s } }\",\"variables\":{\"\xc3\":1}}")]
    public async Task InvalidUtf8Body_Is400ValidationFailed(string method, string path, string latin1Body)
    {
        await using var server = await PortwayTestServer.StartAsync(Yaml);
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new ByteArrayContent(Encoding.Latin1.GetBytes(latin1Body)),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("x-request-id", "req-utf8");

        using var response = await server.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("req-utf8", response.Headers.GetValues("x-request-id").Single());
        var error = JsonDocument.Parse(text).RootElement.GetProperty(path == "/graphql" ? "errors" : "error");
        var code = path == "/graphql" ? error[0].GetProperty("extensions").GetProperty("code") : error.GetProperty("code");
        Assert.Equal("validation_failed", code.GetString());
        Assert.Contains("UTF-8", text, StringComparison.Ordinal);
    }

    /// <summary>A body whose length is not known up front: chunked on HTTP/1.1, DATA frames without content-length on HTTP/2.</summary>
    private sealed class UnknownLengthContent : HttpContent
    {
        private readonly byte[] _bytes;

        public UnknownLengthContent(string json)
        {
            _bytes = Encoding.UTF8.GetBytes(json);
            Headers.ContentType = new("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
