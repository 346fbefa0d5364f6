using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Portway.Observability;
using Portway.Testing;

namespace Portway.Adapters.Tests.Http;

/// <summary>An http endpoint bound to a stream pipeline answers NDJSON or server-sent events, an item at a time.</summary>
public sealed class HttpStreamingTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private PortwayTestServer _server = null!;
    private RecordingEventSink _events = null!;

    public async Task InitializeAsync() => (_server, _events) = await StreamingTestConfig.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static HttpRequestMessage Post(string path, string json, string? accept = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (accept is not null) request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        return request;
    }

    [Fact]
    public async Task StreamPipeline_NoAccept_AnswersNdjsonOneItemPerLine()
    {
        using var response = await _server.Client.SendAsync(Post("/v1/ticks", """{"count":3}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task StreamPipeline_AcceptEventStream_AnswersItemEventsThenEnd()
    {
        using var response = await _server.Client.SendAsync(Post("/v1/ticks", """{"count":2}""", "text/event-stream"));

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(
            "event: item\ndata: {\"n\":1}\n\nevent: item\ndata: {\"n\":2}\n\nevent: end\ndata: {}\n\n",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task StreamPipeline_RouteValues_BecomeInputLikeAnyEndpoint()
    {
        using var response = await _server.Client.GetAsync("/v1/ticks/2");

        // {"count":"2"} is a string: sys.ticks refuses it before any item, so it is a plain error response.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task StreamPipeline_ErrorBeforeAnyItem_IsAPlainErrorResponse()
    {
        using var response = await _server.Client.SendAsync(Post("/v1/ticks", """{"count":-1}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("validation_failed", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task StreamPipeline_ErrorAfterItems_NdjsonEndsWithErrorLine_ItemsStayOneLineEach()
    {
        using var response = await _server.Client.SendAsync(Post("/v1/stream-fail", "{}"));
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, lines.Length);
        Assert.Equal("{\"i\":1}", lines[0]);
        Assert.Equal("{\"i\":2}", lines[1]);
        var error = JsonDocument.Parse(lines[2]).RootElement.GetProperty("error");
        Assert.Equal("conflict", error.GetProperty("code").GetString());
        Assert.Equal(response.Headers.GetValues("x-request-id").Single(), error.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task StreamPipeline_ErrorAfterItems_EventStreamEndsWithErrorEvent()
    {
        using var response = await _server.Client.SendAsync(Post("/v1/stream-fail", "{}", "text/event-stream"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.StartsWith("event: item\ndata: {\"i\":1}\n\nevent: item\ndata: {\"i\":2}\n\nevent: error\ndata: {\"error\":{\"code\":\"conflict\"", text, StringComparison.Ordinal);
        Assert.EndsWith("\n\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamPipeline_EachItemIsFlushedAsItComes()
    {
        // One item every 200 ms: the first one is readable long before the stream ends.
        using var request = Post("/v1/ticks", """{"count":100000,"interval_ms":200}""");
        using var response = await _server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var first = await reader.ReadLineAsync().WaitAsync(Deadline);
        var second = await reader.ReadLineAsync().WaitAsync(Deadline);

        Assert.Equal("{\"n\":1}", first);
        Assert.Equal("{\"n\":2}", second);
        Assert.Equal(1, _server.PendingWaiters);
    }

    [Fact]
    public async Task StreamPipeline_ClientGoesAway_CancelsThePipelineAndFreesTheWaiter()
    {
        var request = Post("/v1/ticks", """{"count":1000000,"interval_ms":20}""");
        request.Headers.Add("x-request-id", "leaver");
        var response = await _server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("{\"n\":1}", await reader.ReadLineAsync().WaitAsync(Deadline));

        reader.Dispose();
        response.Dispose();
        request.Dispose();

        await _events.WaitForAsync(e => e.RequestId == "leaver" && e.Kind == BoundaryEventKind.EgressFailed && e.Code == "cancelled", Deadline);
        await Eventually.TrueAsync(() => _server.PendingWaiters == 0, Deadline, "the stream's waiter is gone");
    }

    [Fact]
    public async Task StreamPipeline_NoItemWithinTimeout_EndsWithTimeout()
    {
        using var response = await _server.Client.SendAsync(Post("/v1/stream-slow", """{"count":3,"interval_ms":60000}"""));
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("{\"n\":1}", lines[0]);
        Assert.Equal("timeout", JsonDocument.Parse(lines[1]).RootElement.GetProperty("error").GetProperty("code").GetString());
        await Eventually.TrueAsync(() => _server.PendingWaiters == 0, Deadline, "no waiter pending");
    }
}
