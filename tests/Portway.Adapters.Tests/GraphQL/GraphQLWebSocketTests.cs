using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Portway.Observability;
using Portway.Testing;
using static Portway.Adapters.Tests.GraphQL.GraphQLTestConfig;

namespace Portway.Adapters.Tests.GraphQL;

/// <summary>graphql-transport-ws over a real socket: handshake, subscriptions mapped to the stream port, the protocol's close codes.</summary>
public sealed class GraphQLWebSocketTests : IAsyncLifetime
{
    private PortwayTestServer _server = null!;
    private RecordingEventSink _events = null!;

    public async Task InitializeAsync() => (_server, _events) = await StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string TypeOf(JsonElement message) => message.GetProperty("type").GetString()!;

    private Task PendingWaitersAreZeroAsync() =>
        Eventually.TrueAsync(() => _server.PendingWaiters == 0, TimeSpan.FromSeconds(15), "pending waiters back to 0");

    [Fact]
    public async Task Conversation_SubscriptionCompletedByServer_StreamsEveryItemThenCompletes()
    {
        await using var client = await GraphQLWsClient.ConnectAsync(_server.BaseAddress);
        Assert.Equal("graphql-transport-ws", client.SubProtocol);

        await client.SendAsync("""{"type":"connection_init","payload":{}}""");
        Assert.Equal("connection_ack", TypeOf(await client.ReceiveAsync()));
        await client.SendAsync("""{"type":"ping"}""");
        Assert.Equal("pong", TypeOf(await client.ReceiveAsync()));

        await client.SubscribeAsync("s1", "subscription T($c: Int!) { ticks(count: $c) { n } }", new { c = 3 });
        var messages = new List<JsonElement>();
        for (var i = 0; i < 4; i++)
        {
            messages.Add(await client.ReceiveAsync());
        }

        Assert.All(messages, m => Assert.Equal("s1", m.GetProperty("id").GetString()));
        Assert.Equal(["next", "next", "next", "complete"], messages.Select(TypeOf));
        Assert.Equal([1, 2, 3], messages.Take(3).Select(m => m.GetProperty("payload").GetProperty("data").GetProperty("ticks").GetProperty("n").GetInt32()));
        await PendingWaitersAreZeroAsync();
        await _events.WaitForAsync(e => e.Interface == "graphql" && e.Kind == BoundaryEventKind.EgressDelivered && e.Route == "SUBSCRIBE /graphql");
    }

    [Fact]
    public async Task Subscription_HasItsOwnSpan_ChildOfTheConnectionsTrace()
    {
        const string traceId = "5af7651916cd43dd8448eb211c80319d";
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Portway",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var client = await GraphQLWsClient.ConnectAndInitAsync(_server.BaseAddress,
            new Dictionary<string, string> { ["traceparent"] = $"00-{traceId}-b7ad6b7169203331-01" });

        await client.SubscribeAsync("s", "subscription { ticks(count: 1) { n } }");
        Assert.Equal("next", TypeOf(await client.ReceiveAsync()));
        Assert.Equal("complete", TypeOf(await client.ReceiveAsync()));
        await Eventually.TrueAsync(() => spans.Any(a => a.OperationName == "portway.subscribe /graphql" && a.TraceId.ToHexString() == traceId),
            TimeSpan.FromSeconds(15), "the subscribe span stopped");

        var subscribe = Assert.Single(spans, a => a.OperationName == "portway.subscribe /graphql" && a.TraceId.ToHexString() == traceId);
        var stage = Assert.Single(spans, a => a.OperationName.StartsWith("portway.stage", StringComparison.Ordinal) && a.TraceId.ToHexString() == traceId);
        Assert.Equal(subscribe.SpanId, stage.ParentSpanId);
        var delivered = await _events.WaitForAsync(e => e.Route == "SUBSCRIBE /graphql" && e.Kind == BoundaryEventKind.EgressDelivered);
        Assert.Equal(subscribe.GetTagItem("portway.request_id"), delivered.RequestId);
        Assert.Equal(traceId, delivered.TraceId);
    }

    [Fact]
    public async Task Subscription_CompletedByClient_CancelsTheStreamAndLeavesNoWaiter()
    {
        await using var client = await GraphQLWsClient.ConnectAndInitAsync(_server.BaseAddress);
        await client.SubscribeAsync("long", "subscription { ticks(count: 1000000, interval_ms: 20) { n } }");

        var first = await client.ReceiveAsync();
        Assert.Equal("next", TypeOf(first));
        Assert.Equal(1, _server.PendingWaiters);

        await client.SendAsync("""{"id":"long","type":"complete"}""");
        await PendingWaitersAreZeroAsync();
        await _events.WaitForAsync(e => e.Interface == "graphql" && e.Code == "cancelled");

        // The connection stays usable: a query over the same socket answers next then complete.
        await client.SubscribeAsync("q", "{ echo(x: 7) { x } }");
        JsonElement message;
        do
        {
            message = await client.ReceiveAsync();
        }
        while (message.GetProperty("id").GetString() == "long");

        Assert.Equal("next", TypeOf(message));
        Assert.Equal("""{"echo":{"x":7}}""", message.GetProperty("payload").GetProperty("data").GetRawText());
        Assert.Equal("complete", TypeOf(await client.ReceiveAsync()));
        Assert.Equal(0, _server.PendingWaiters);
    }

    [Fact]
    public async Task Subscription_SocketDropped_LeavesNoWaiter()
    {
        var client = await GraphQLWsClient.ConnectAndInitAsync(_server.BaseAddress);
        await client.SubscribeAsync("long", "subscription { ticks(count: 1000000, interval_ms: 20) { n } }");
        Assert.Equal("next", TypeOf(await client.ReceiveAsync()));

        client.Abort();
        await client.DisposeAsync();

        await PendingWaitersAreZeroAsync();
    }

    [Fact]
    public async Task Subscription_StreamError_EndsWithErrorMessageAndTaxonomyCode()
    {
        await using var client = await GraphQLWsClient.ConnectAndInitAsync(_server.BaseAddress);
        await client.SubscribeAsync("bad", "subscription { ticks(count: -1) { n } }");

        var message = await client.ReceiveAsync();

        Assert.Equal("error", TypeOf(message));
        Assert.Equal("bad", message.GetProperty("id").GetString());
        var error = message.GetProperty("payload")[0];
        Assert.Equal("validation_failed", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.Contains("count", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        await PendingWaitersAreZeroAsync();
    }

    [Fact]
    public async Task Subscribe_InvalidDocument_AnswersErrorAndKeepsTheConnection()
    {
        await using var client = await GraphQLWsClient.ConnectAndInitAsync(_server.BaseAddress);
        await client.SubscribeAsync("v", "subscription { ticks(count: 1) { nope } }");

        var message = await client.ReceiveAsync();
        await client.SendAsync("""{"type":"ping"}""");

        Assert.Equal("error", TypeOf(message));
        Assert.Equal("validation_failed", message.GetProperty("payload")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal("pong", TypeOf(await client.ReceiveAsync()));
    }

    [Fact]
    public async Task Subscription_OverHttp_IsRefused()
    {
        using var response = await PostAsync(_server.Client, "subscription { ticks(count: 1) { n } }", accept: GraphQLResponse);
        var error = (await BodyOf(response)).GetProperty("errors")[0];

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("WebSocket", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_EndsRunningSubscriptionWithUnavailableThenCloses1001()
    {
        await using var client = await GraphQLWsClient.ConnectAndInitAsync(_server.BaseAddress);
        await client.SubscribeAsync("long", "subscription { ticks(count: 1000000, interval_ms: 20) { n } }");
        Assert.Equal("next", TypeOf(await client.ReceiveAsync()));

        var stopping = _server.StopAsync();
        JsonElement message;
        do
        {
            message = await client.ReceiveAsync();
        }
        while (TypeOf(message) == "next");

        Assert.Equal("error", TypeOf(message));
        Assert.Equal("unavailable", message.GetProperty("payload")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal(1001, await client.ReceiveCloseAsync());
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, _server.PendingWaiters);
    }

    [Fact]
    public async Task Subscribe_OverTheOperationLimit_IsRateLimited()
    {
        await using var client = await GraphQLWsClient.ConnectAndInitAsync(_server.BaseAddress);
        const int limit = 100;
        for (var i = 0; i < limit; i++)
        {
            await client.SubscribeAsync($"s{i}", "subscription { ticks(count: 2, interval_ms: 600000) { n } }");
        }

        var started = new HashSet<string>();
        while (started.Count < limit)
        {
            var message = await client.ReceiveAsync();
            Assert.Equal("next", TypeOf(message));
            started.Add(message.GetProperty("id").GetString()!);
        }

        await client.SubscribeAsync("one-more", "subscription { ticks(count: 1) { n } }");
        var refused = await client.ReceiveAsync();

        Assert.Equal("error", TypeOf(refused));
        Assert.Equal("one-more", refused.GetProperty("id").GetString());
        Assert.Equal("rate_limited", refused.GetProperty("payload")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal(limit, _server.PendingWaiters);
    }

    [Fact]
    public async Task Subscribe_BeforeInit_Closes4401()
    {
        await using var client = await GraphQLWsClient.ConnectAsync(_server.BaseAddress);
        await client.SubscribeAsync("s", "subscription { ticks(count: 1) { n } }");

        Assert.Equal(4401, await client.ReceiveCloseAsync());
        Assert.Equal(0, _server.PendingWaiters);
    }

    [Fact]
    public async Task SecondInit_Closes4429()
    {
        await using var client = await GraphQLWsClient.ConnectAndInitAsync(_server.BaseAddress);
        await client.SendAsync("""{"type":"connection_init"}""");

        Assert.Equal(4429, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task DuplicateOperationId_Closes4409AndEndsTheStream()
    {
        await using var client = await GraphQLWsClient.ConnectAndInitAsync(_server.BaseAddress);
        await client.SubscribeAsync("same", "subscription { ticks(count: 1000000, interval_ms: 20) { n } }");
        Assert.Equal("next", TypeOf(await client.ReceiveAsync()));

        await client.SubscribeAsync("same", "subscription { ticks(count: 1) { n } }");

        Assert.Equal(4409, await client.ReceiveCloseAsync());
        await PendingWaitersAreZeroAsync();
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"no":"type"}""")]
    [InlineData("""{"type":"launch"}""")]
    [InlineData("""{"type":"subscribe","payload":{"query":"{ echo { x } }"}}""")]
    [InlineData("""{"id":"1","type":"subscribe","payload":{}}""")]
    public async Task InvalidMessage_Closes4400(string json)
    {
        await using var client = await GraphQLWsClient.ConnectAndInitAsync(_server.BaseAddress);
        await client.SendAsync(json);

        Assert.Equal(4400, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task MessageOverMaxBodyBytes_Closes1009()
    {
        await using var client = await GraphQLWsClient.ConnectAndInitAsync(_server.BaseAddress);
        await client.SubscribeAsync("big", "{ echo(s: \"" + new string('x', 5000) + "\") { s } }");

        Assert.Equal(1009, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task NoInit_ClosesWith4408AfterTheInterfaceTimeout()
    {
        await using var client = await GraphQLWsClient.ConnectAsync(_server.BaseAddress, "/graphql-tight");

        Assert.Equal(4408, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task WithoutSubprotocol_Closes4406()
    {
        await using var client = await GraphQLWsClient.ConnectAsync(_server.BaseAddress, subProtocol: null);

        Assert.Equal(4406, await client.ReceiveCloseAsync());
    }
}
