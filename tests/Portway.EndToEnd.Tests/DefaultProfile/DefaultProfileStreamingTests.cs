using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.DefaultProfile;

/// <summary>
/// The shipped config/runtime.yaml over every streaming protocol: the feedback pipeline over WebSocket as well as
/// HTTP, and the stream examples (ticks, feedback_batch) over WebSocket, NDJSON and server-sent events, on
/// HTTP/1.1 and HTTP/2.
/// </summary>
public sealed class DefaultProfileStreamingTests : IAsyncLifetime
{
    private const string Alice = "[0.5,0.4,0.3,0.2,0.1,0.6,0.7,0.8]";
    private const string Batch = """{"tenant":"acme","profile_name":"alice","texts":["Hello there! How are you today?","Fine.","WHAT?!"]}""";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "portway-e2e-" + Guid.NewGuid().ToString("N"));
    private PortwayTestServer _server = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        var config = TestConfig.LoadRepoFile("runtime.yaml");
        config.Runtime.Platform.DataDir = _root;
        _server = await PortwayTestServer.StartAsync(config);
        await DemoTokens.AuthorizeAsync(_server.Client);
        using var put = await _server.Client.PutAsync("/v1/tenants/acme/profiles/alice", Json($"{{\"vector\":{Alice}}}"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<ClientWebSocket> ConnectAsync()
    {
        // feedback, feedback_batch and profile_watch need a token for the payload's tenant (acme, as the client's).
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", _server.Client.DefaultRequestHeaders.Authorization!.ToString());
        using var cts = new CancellationTokenSource(Deadline);
        await socket.ConnectAsync(new Uri($"ws://{_server.BaseAddress.Authority}/v1/ws"), cts.Token);
        return socket;
    }

    private static Task SendAsync(ClientWebSocket socket, string text) => WsJson.SendAsync(socket, text, Deadline);

    private static Task<JsonElement> ReceiveAsync(ClientWebSocket socket) => WsJson.ReceiveAsync(socket, Deadline);

    [Fact]
    public async Task Feedback_OverWebSocket_EqualsFeedbackOverHttp()
    {
        const string input = """{"tenant":"acme","profile_name":"alice","text":"Hello there! How are you today?"}""";
        using var http = await _server.Client.PostAsync("/v1/resonance/feedback", Json(input));
        var overHttp = JsonDocument.Parse(await http.Content.ReadAsStringAsync()).RootElement;
        using var socket = await ConnectAsync();

        await SendAsync(socket, $$"""{"id":"fb","op":"feedback","payload":{{input}}}""");
        var reply = await ReceiveAsync(socket);

        Assert.Equal("reply", reply.GetProperty("type").GetString());
        Assert.Equal(overHttp.GetRawText(), reply.GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task FeedbackBatch_OverWebSocket_OneItemPerTextThenEnd()
    {
        using var socket = await ConnectAsync();

        await SendAsync(socket, $$"""{"id":"b","op":"feedback_batch","payload":{{Batch}}}""");
        var messages = new List<JsonElement>();
        for (var i = 0; i < 4; i++) messages.Add(await ReceiveAsync(socket));

        Assert.Equal(["item", "item", "item", "end"], messages.Select(m => m.GetProperty("type").GetString()));
        Assert.Equal([0, 1, 2], messages.Take(3).Select(m => m.GetProperty("payload").GetProperty("index").GetInt32()));
        Assert.All(messages.Take(3), m => Assert.Equal(8, m.GetProperty("payload").GetProperty("hrv_feedback").GetArrayLength()));
        await Eventually.TrueAsync(() => _server.PendingWaiters == 0, Deadline, "no waiter pending");
    }

    [Fact]
    public async Task Ticks_AndEcho_OverWebSocket()
    {
        using var socket = await ConnectAsync();

        await SendAsync(socket, """{"id":1,"op":"ticks","payload":{"count":2}}""");
        await SendAsync(socket, """{"id":2,"op":"echo","payload":{"hi":true}}""");
        var messages = new List<JsonElement>();
        for (var i = 0; i < 4; i++) messages.Add(await ReceiveAsync(socket));

        Assert.Equal(["item", "item", "end"], messages.Where(m => m.GetProperty("id").GetInt32() == 1).Select(m => m.GetProperty("type").GetString()));
        Assert.Equal("""{"hi":true}""", messages.Single(m => m.GetProperty("id").GetInt32() == 2).GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task FeedbackBatch_OverHttp2_AnswersNdjsonSameItemsAsWebSocket()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/resonance/feedback/batch")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = Json(Batch),
        };
        using var response = await _server.Client.SendAsync(request);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var socket = await ConnectAsync();
        await SendAsync(socket, $$"""{"id":"b","op":"feedback_batch","payload":{{Batch}}}""");

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(3, lines.Length);
        foreach (var line in lines)
        {
            Assert.Equal(line, (await ReceiveAsync(socket)).GetProperty("payload").GetRawText());
        }
    }

    [Fact]
    public async Task FeedbackBatch_AsGraphQLSubscription_SameItemsAsWebSocket()
    {
        await using var graphql = await GraphQLWsClient.ConnectAndInitAsync(_server.BaseAddress, bearer: _server.Client.DefaultRequestHeaders.Authorization!.Parameter);
        await graphql.SubscribeAsync("s", "subscription ($texts: [String!]!) { feedback_batch(tenant: \"acme\", profile_name: \"alice\", texts: $texts) { index hrv profile hrv_feedback } }",
            new { texts = new[] { "Hello there! How are you today?", "Fine.", "WHAT?!" } });
        var next = new List<JsonElement>();
        for (var i = 0; i < 3; i++) next.Add(await graphql.ReceiveAsync());
        var complete = await graphql.ReceiveAsync();
        using var socket = await ConnectAsync();
        await SendAsync(socket, $$"""{"id":"b","op":"feedback_batch","payload":{{Batch}}}""");

        Assert.Equal("complete", complete.GetProperty("type").GetString());
        foreach (var message in next)
        {
            var item = message.GetProperty("payload").GetProperty("data").GetProperty("feedback_batch");
            var overWebSocket = (await ReceiveAsync(socket)).GetProperty("payload");
            Assert.Equal(overWebSocket.GetProperty("index").GetInt32(), item.GetProperty("index").GetInt32());
            Assert.Equal(overWebSocket.GetProperty("hrv_feedback").Deserialize<double[]>(), item.GetProperty("hrv_feedback").Deserialize<double[]>());
        }
    }

    [Fact]
    public async Task Ticks_OverHttp11_AsServerSentEvents()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/ticks") { Content = Json("""{"count":2}""") };
        request.Headers.Accept.ParseAdd("text/event-stream");

        using var response = await _server.Client.SendAsync(request);

        Assert.Equal(HttpVersion.Version11, response.Version);
        Assert.Equal("event: item\ndata: {\"n\":1}\n\nevent: item\ndata: {\"n\":2}\n\nevent: end\ndata: {}\n\n", await response.Content.ReadAsStringAsync());
    }
}
