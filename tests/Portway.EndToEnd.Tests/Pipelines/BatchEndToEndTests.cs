using System.Net;
using System.Text;
using System.Text.Json;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Pipelines;

/// <summary>The batch processor as config/runtime.yaml serves it: submit, progress (NDJSON, SSE, WebSocket, GraphQL subscription), status, cancel, metrics.</summary>
public sealed class BatchEndToEndTests : IAsyncLifetime
{
    private ProfileServer _server = null!;

    public async Task InitializeAsync() => _server = await ProfileServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<string> SubmitAsync(string json)
    {
        var (status, body) = await _server.SendAsync(HttpMethod.Post, "/v1/batches", json);
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("id").GetString()!;
    }

    private async Task<string[]> ProgressNdjsonAsync(string id)
    {
        using var response = await _server.Server.Client.PostAsync($"/v1/batches/{id}/progress", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType!.MediaType);
        return (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task Submit_ProgressAsNdjson_ThenStatus_DedupAndAFailedItem()
    {
        var id = await SubmitAsync("""{"items":["Hello there. How are you?","","Hello there. How are you?"],"priority":3}""");

        var lines = await ProgressNdjsonAsync(id);
        var (status, batch) = await _server.SendAsync(HttpMethod.Get, $"/v1/batches/{id}");

        Assert.Equal(3, lines.Length);
        Assert.Equal([1, 2, 3], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("done").GetInt32()));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("completed", batch.GetProperty("status").GetString());
        Assert.Equal(3, batch.GetProperty("priority").GetInt32());
        var counts = batch.GetProperty("counts");
        Assert.Equal((2, 1, 1), (counts.GetProperty("done").GetInt32(), counts.GetProperty("failed").GetInt32(), counts.GetProperty("cache_hits").GetInt32()));
        var items = batch.GetProperty("items");
        Assert.Equal(items[0].GetProperty("result").GetRawText(), items[2].GetProperty("result").GetRawText());
        Assert.Equal("validation_failed", items[1].GetProperty("error").GetProperty("code").GetString());
        await Eventually.TrueAsync(() => _server.Server.PendingWaiters == 0, ProfileServer.Deadline, "no waiter pending");
    }

    [Fact]
    public async Task Progress_AsServerSentEvents()
    {
        var id = await SubmitAsync("""{"items":["One text."]}""");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/batches/{id}/progress");
        request.Headers.Accept.ParseAdd("text/event-stream");

        using var response = await _server.Server.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("event: item\ndata: {\"batch\":\"" + id + "\",\"index\":0,\"status\":\"done\"", text, StringComparison.Ordinal);
        Assert.EndsWith("event: end\ndata: {}\n\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_StopsWaitingAndRunningItems()
    {
        var items = Enumerable.Range(0, 8).Select(i => new { text = $"slow text {i}.", work_ms = 60_000 }).ToArray();
        var id = await SubmitAsync(JsonSerializer.Serialize(new { items, priority = 0 }));

        var (cancelled, body) = await _server.SendAsync(HttpMethod.Delete, $"/v1/batches/{id}");
        var lines = await ProgressNdjsonAsync(id);
        var (_, after) = await _server.SendAsync(HttpMethod.Get, $"/v1/batches/{id}");
        var (unknown, _) = await _server.SendAsync(HttpMethod.Delete, "/v1/batches/nope");

        Assert.Equal(HttpStatusCode.OK, cancelled);
        Assert.Equal("cancelled", body.GetProperty("status").GetString());
        Assert.Equal(8, lines.Length);
        Assert.All(lines, l => Assert.Equal("cancelled", JsonDocument.Parse(l).RootElement.GetProperty("status").GetString()));
        Assert.Equal(8, after.GetProperty("counts").GetProperty("cancelled").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, unknown);
    }

    [Fact]
    public async Task Submit_BadPriority_Is400_AndMetricsShowEveryPriority()
    {
        var (bad, body) = await _server.SendAsync(HttpMethod.Post, "/v1/batches", """{"items":["x"],"priority":10}""");
        var (ok, metrics) = await _server.SendAsync(HttpMethod.Get, "/v1/batches/metrics");

        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.StartsWith("priority must be", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal(10, metrics.GetProperty("queue_depth").EnumerateObject().Count());
        Assert.Equal(4, metrics.GetProperty("concurrency").GetInt32());
    }

    [Fact]
    public async Task Progress_AsWebSocketOperation()
    {
        using var socket = await _server.ConnectAsync();
        await ProfileServer.SendAsync(socket, """{"id":"s","op":"batch_submit","payload":{"items":["First.","Second."],"priority":9}}""");
        var submitted = await ProfileServer.ReceiveAsync(socket);
        var id = submitted.GetProperty("payload").GetProperty("id").GetString();

        await ProfileServer.SendAsync(socket, JsonSerializer.Serialize(new { id = "p", op = "batch_progress", payload = new { id } }));
        var messages = new List<JsonElement>();
        for (var i = 0; i < 3; i++) messages.Add(await ProfileServer.ReceiveAsync(socket));
        await ProfileServer.SendAsync(socket, JsonSerializer.Serialize(new { id = "g", op = "batch_status", payload = new { id } }));
        var status = await ProfileServer.ReceiveAsync(socket);

        Assert.Equal(["item", "item", "end"], messages.Select(m => m.GetProperty("type").GetString()));
        Assert.Equal("completed", status.GetProperty("payload").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Batch_AsGraphQLMutationQueryAndSubscription()
    {
        var submitted = await _server.GraphQLAsync("""mutation { batch_submit(items: ["Alpha.", "Beta."], priority: 4) { id status } }""");
        var id = submitted.GetProperty("batch_submit").GetProperty("id").GetString();
        await using var graphql = await GraphQLWsClient.ConnectAndInitAsync(_server.Server.BaseAddress);
        await graphql.SubscribeAsync("s", "subscription ($id: String!) { batch_progress(id: $id) { index status done total result { hrv } } }", new { id });
        var next = new List<JsonElement>();
        for (var i = 0; i < 2; i++) next.Add(await graphql.ReceiveAsync());
        var complete = await graphql.ReceiveAsync();
        var status = await _server.GraphQLAsync("query ($id: String!) { batch(id: $id) { status counts { done total } items { index status } } }", new { id });

        Assert.Equal("complete", complete.GetProperty("type").GetString());
        Assert.All(next, m => Assert.Equal(8, m.GetProperty("payload").GetProperty("data").GetProperty("batch_progress").GetProperty("result").GetProperty("hrv").GetArrayLength()));
        Assert.Equal("completed", status.GetProperty("batch").GetProperty("status").GetString());
        Assert.Equal(2, status.GetProperty("batch").GetProperty("counts").GetProperty("done").GetInt32());
    }

    [Fact]
    public async Task Stats_AndMetrics_ShowTheBatchMetrics()
    {
        var id = await SubmitAsync("""{"items":["A first text.","A first text."],"priority":7}""");
        await ProgressNdjsonAsync(id);

        var (status, stats) = await _server.SendAsync(HttpMethod.Get, "/stats");
        Assert.Equal(HttpStatusCode.OK, status);
        var batches = stats.GetProperty("batches");
        Assert.Equal(10, batches.GetProperty("queue_depth").EnumerateObject().Count());
        Assert.Equal(0, batches.GetProperty("queue_depth").GetProperty("7").GetInt32());
        Assert.Equal(4, batches.GetProperty("concurrency").GetInt32());
        Assert.True(batches.GetProperty("cache_hits").GetInt64() >= 1, batches.ToString());
        Assert.True(batches.GetProperty("items_per_second").GetDouble() > 0, batches.ToString());
        Assert.InRange(batches.GetProperty("cache_hit_rate").GetDouble(), 0.0001, 1);
        Assert.False(batches.TryGetProperty("delivered", out _), "no delivery egress in runtime.yaml");

        var metrics = await _server.Server.Client.GetStringAsync("/metrics");
        Assert.Contains("portway_batch_queue_depth{", metrics, StringComparison.Ordinal);
        Assert.Contains("priority=\"7\"", metrics, StringComparison.Ordinal);
        Assert.Contains("portway_batch_cache_hit_rate", metrics, StringComparison.Ordinal);
        Assert.Contains("portway_batch_items_per_second", metrics, StringComparison.Ordinal);
    }
}
