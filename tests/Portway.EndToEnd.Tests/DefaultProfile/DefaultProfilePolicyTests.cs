using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.DefaultProfile;

/// <summary>
/// config/runtime.yaml's policies: the token endpoint, and the voice profiles, the feedback endpoints and the WebSocket
/// operations that read profiles (feedback, feedback_batch, profile_watch), each bound to the token's tenant.
/// </summary>
public sealed class DefaultProfilePolicyTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("portway-policy-e2e-").FullName;
    private PortwayTestServer _server = null!;

    public async Task InitializeAsync()
    {
        var config = TestConfig.LoadRepoFile("runtime.yaml");
        config.Runtime.Platform.DataDir = Path.Combine(_root, "data");
        _server = await PortwayTestServer.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : Json(json) };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _server.Client.SendAsync(request);
    }

    [Fact]
    public async Task TokenEndpoint_DemoKeyGivesABearerToken_UnknownKeyIs401()
    {
        using var good = await _server.Client.PostAsync("/v1/auth/token", Json("""{"api_key":"demo-acme-key"}"""));
        using var bad = await _server.Client.PostAsync("/v1/auth/token", Json("""{"api_key":"guess"}"""));
        var body = JsonDocument.Parse(await good.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(900, body.GetProperty("expires_in").GetInt32());
        Assert.Equal(3, body.GetProperty("access_token").GetString()!.Split('.').Length);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
    }

    [Fact]
    public async Task Profiles_OwnTenantAllowed_OtherTenant403_NoToken401_NothingWritten()
    {
        var acme = await DemoTokens.GetAsync(_server.Client, DemoTokens.AcmeKey);
        var globex = await DemoTokens.GetAsync(_server.Client, DemoTokens.GlobexKey);
        const string vector = """{"vector":[0.5,0.4,0.3,0.2,0.1,0.6,0.7,0.8]}""";

        using var own = await SendAsync(HttpMethod.Put, "/v1/tenants/acme/profiles/alice", acme, vector);
        using var intruder = await SendAsync(HttpMethod.Put, "/v1/tenants/acme/profiles/mallory", globex, vector);
        using var read = await SendAsync(HttpMethod.Get, "/v1/tenants/acme/profiles/alice", globex);
        using var anonymous = await SendAsync(HttpMethod.Get, "/v1/tenants/acme/profiles", null);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, intruder.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.False(File.Exists(Path.Combine(_root, "data", "acme", "mallory.json")));
    }

    [Fact]
    public async Task GraphQLProfile_OtherTenantIsForbidden()
    {
        var globex = await DemoTokens.GetAsync(_server.Client, DemoTokens.GlobexKey);
        using var response = await SendAsync(HttpMethod.Post, "/graphql", globex, """{"query":"{ profiles(tenant: \"acme\") { profiles } }"}""");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("forbidden", body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Feedback_Http_NeedsATokenForTheBodysTenant_NoNodeRunsOtherwise()
    {
        var globex = await DemoTokens.GetAsync(_server.Client, DemoTokens.GlobexKey);
        const string input = """{"tenant":"acme","profile_name":"alice","text":"Hello there!"}""";

        using var anonymous = await SendAsync(HttpMethod.Post, "/v1/resonance/feedback", null, input);
        using var intruder = await SendAsync(HttpMethod.Post, "/v1/resonance/feedback", globex, input);
        using var batch = await SendAsync(HttpMethod.Post, "/v1/resonance/feedback/batch", globex, """{"tenant":"acme","profile_name":"alice","texts":["Hi."]}""");
        using var own = await SendAsync(HttpMethod.Post, "/v1/resonance/feedback", globex, """{"tenant":"globex","profile_name":"nobody","text":"Hello there!"}""");
        using var graphql = await SendAsync(HttpMethod.Post, "/graphql", null, """{"query":"{ feedback(tenant: \"acme\", profile_name: \"alice\", text: \"Hi.\") { hrv } }"}""");
        var graphqlBody = JsonDocument.Parse(await graphql.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", Assert.Single(anonymous.Headers.WwwAuthenticate).Scheme);
        Assert.Equal(HttpStatusCode.Forbidden, intruder.StatusCode);
        Assert.Equal("tenant 'acme' is not the token's tenant",
            JsonDocument.Parse(await intruder.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, batch.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, own.StatusCode); // admitted: the node ran and found no such profile
        Assert.Equal("unauthorized", graphqlBody.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Fact]
    public async Task WebSocket_ProfileWatchAndFeedbackOps_NeedATokenForThePayloadsTenant_OpenOpsStayOpen()
    {
        var acme = await DemoTokens.GetAsync(_server.Client, DemoTokens.AcmeKey);
        var deadline = TimeSpan.FromSeconds(20);
        using var anonymous = await ConnectAsync(null);
        using var withToken = await ConnectAsync(acme);

        await WsJson.SendAsync(anonymous, """{"id":1,"op":"profile_watch","payload":{"tenant":"acme"}}""", deadline);
        var watchRefused = await WsJson.ReceiveAsync(anonymous, deadline);
        await WsJson.SendAsync(anonymous, """{"id":2,"op":"feedback","payload":{"tenant":"acme","profile_name":"alice","text":"Hi."}}""", deadline);
        var feedbackRefused = await WsJson.ReceiveAsync(anonymous, deadline);
        await WsJson.SendAsync(anonymous, """{"id":3,"op":"echo","payload":{"open":true}}""", deadline);
        var echo = await WsJson.ReceiveAsync(anonymous, deadline);
        await WsJson.SendAsync(withToken, """{"id":1,"op":"profile_watch","payload":{"tenant":"globex"}}""", deadline);
        var otherTenant = await WsJson.ReceiveAsync(withToken, deadline);
        await WsJson.SendAsync(withToken, """{"id":2,"op":"feedback_batch","payload":{"tenant":"globex","profile_name":"bob","texts":["Hi."]}}""", deadline);
        var otherBatch = await WsJson.ReceiveAsync(withToken, deadline);

        Assert.Equal("unauthorized", watchRefused.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("unauthorized", feedbackRefused.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(("reply", true), (echo.GetProperty("type").GetString(), echo.GetProperty("payload").GetProperty("open").GetBoolean()));
        Assert.Equal("forbidden", otherTenant.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("forbidden", otherBatch.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, anonymous.State);
        Assert.Equal(0, _server.PendingWaiters);
    }

    private async Task<System.Net.WebSockets.ClientWebSocket> ConnectAsync(string? token)
    {
        var socket = new System.Net.WebSockets.ClientWebSocket();
        if (token is not null) socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await socket.ConnectAsync(new Uri($"ws://{_server.BaseAddress.Authority}/v1/ws"), cts.Token);
        return socket;
    }
}
