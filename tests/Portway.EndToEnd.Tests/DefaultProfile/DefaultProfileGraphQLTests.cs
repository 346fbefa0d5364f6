using System.Net;
using System.Text;
using System.Text.Json;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.DefaultProfile;

/// <summary>The shipped config/runtime.yaml's graphql interface at <c>/graphql</c>, over real HTTP.</summary>
public sealed class DefaultProfileGraphQLTests : IAsyncLifetime
{
    private const string Alice = "[0.5,0.4,0.3,0.2,0.1,0.6,0.7,0.8]";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "portway-e2e-gql-" + Guid.NewGuid().ToString("N"));
    private PortwayTestServer _server = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        var config = TestConfig.LoadRepoFile("runtime.yaml");
        config.Runtime.Platform.DataDir = _root;
        _server = await PortwayTestServer.StartAsync(config);
        await DemoTokens.AuthorizeAsync(_server.Client);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string query, object? variables = null)
    {
        var json = JsonSerializer.Serialize(new { query, variables });
        using var response = await _server.Client.PostAsync("/graphql", new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task Echo_Query_Answers()
    {
        var (status, body) = await PostAsync("""{ echo(x: 1, s: "hi") { x s } }""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"echo":{"x":1,"s":"hi"}}""", body.GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task ProfilePut_ThenFeedback_OverGraphQL()
    {
        var (putStatus, put) = await PostAsync(
            "mutation Put($v: [Float!]!) { profile_put(tenant: \"acme\", profile: \"alice\", vector: $v) { tenant profile vector created } }",
            new { v = JsonSerializer.Deserialize<double[]>(Alice) });
        var (_, feedback) = await PostAsync(
            """{ feedback(tenant: "acme", profile_name: "alice", text: "Hello world. Is it OK?") { hrv profile hrv_feedback } }""");
        var (_, list) = await PostAsync("""{ profiles(tenant: "acme") { profiles } }""");

        Assert.Equal(HttpStatusCode.OK, putStatus);
        Assert.True(put.GetProperty("data").GetProperty("profile_put").GetProperty("created").GetBoolean(), put.ToString());
        var result = feedback.GetProperty("data").GetProperty("feedback");
        Assert.Equal([0.32, 0.0625, 0.111111, 0.25, 0.375, 1, 0.5, 0], result.GetProperty("hrv").Deserialize<double[]>()!);
        Assert.Equal(JsonSerializer.Deserialize<double[]>(Alice), result.GetProperty("profile").Deserialize<double[]>());
        Assert.Equal(8, result.GetProperty("hrv_feedback").GetArrayLength());
        Assert.Equal(["alice"], list.GetProperty("data").GetProperty("profiles").GetProperty("profiles").Deserialize<string[]>()!);
    }

    [Fact]
    public async Task Ticks_Subscription_StreamsOverGraphQLTransportWs()
    {
        await using var client = await GraphQLWsClient.ConnectAndInitAsync(_server.BaseAddress, bearer: _server.Client.DefaultRequestHeaders.Authorization!.Parameter);
        await client.SubscribeAsync("t", "subscription { ticks(count: 2, interval_ms: 10) { n } }");

        var first = await client.ReceiveAsync();
        var second = await client.ReceiveAsync();
        var end = await client.ReceiveAsync();

        Assert.Equal("""{"ticks":{"n":1}}""", first.GetProperty("payload").GetProperty("data").GetRawText());
        Assert.Equal("""{"ticks":{"n":2}}""", second.GetProperty("payload").GetProperty("data").GetRawText());
        Assert.Equal("complete", end.GetProperty("type").GetString());
        await Eventually.TrueAsync(() => _server.PendingWaiters == 0, TimeSpan.FromSeconds(15), "pending waiters back to 0");
    }

    [Fact]
    public async Task FeedbackBatch_Subscription_StreamsOneItemPerTextThenCompletes()
    {
        await PostAsync(
            "mutation Put($v: [Float!]!) { profile_put(tenant: \"acme\", profile: \"alice\", vector: $v) { created } }",
            new { v = JsonSerializer.Deserialize<double[]>(Alice) });
        await using var client = await GraphQLWsClient.ConnectAndInitAsync(_server.BaseAddress, bearer: _server.Client.DefaultRequestHeaders.Authorization!.Parameter);

        await client.SubscribeAsync("b",
            "subscription B($texts: [String!]!) { feedback_batch(tenant: \"acme\", profile_name: \"alice\", texts: $texts) { index hrv } }",
            new { texts = new[] { "Hello world. Is it OK?", "Second text!" } });
        var first = await client.ReceiveAsync();
        var second = await client.ReceiveAsync();
        var end = await client.ReceiveAsync();

        var item = first.GetProperty("payload").GetProperty("data").GetProperty("feedback_batch");
        Assert.Equal(0, item.GetProperty("index").GetInt32());
        Assert.Equal([0.32, 0.0625, 0.111111, 0.25, 0.375, 1, 0.5, 0], item.GetProperty("hrv").Deserialize<double[]>()!);
        Assert.Equal(1, second.GetProperty("payload").GetProperty("data").GetProperty("feedback_batch").GetProperty("index").GetInt32());
        Assert.Equal("complete", end.GetProperty("type").GetString());
        await Eventually.TrueAsync(() => _server.PendingWaiters == 0, TimeSpan.FromSeconds(15), "pending waiters back to 0");
    }

    [Fact]
    public async Task Feedback_UnknownProfile_IsNotFoundInErrors()
    {
        var (status, body) = await PostAsync("""{ feedback(tenant: "acme", profile_name: "nobody", text: "Hi.") { hrv } }""");
        var error = body.GetProperty("errors")[0];

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("not_found", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("data").GetProperty("feedback").ValueKind);
    }
}
