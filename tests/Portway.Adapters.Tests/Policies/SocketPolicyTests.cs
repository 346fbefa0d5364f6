using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Portway.Adapters.Tests.WebSocket;
using Portway.Testing;

namespace Portway.Adapters.Tests.Policies;

public sealed class SocketPolicyTests
{
    private static string Yaml(string wsExtra = "") => $$"""
        runtime:
          web:
        {{PolicyYaml.Indent(PolicyYaml.HsJwt, 4)}}
            interfaces:
              - kind: websocket
                endpoints:
                  - route: /v1/ws
                    operations: { who: who, open: { pipeline: who, auth: none } }
                    tenant: from_token
        {{PolicyYaml.Indent(wsExtra, 12)}}
              - kind: graphql
                types:
                  Who: { subject: String, tenant: String }
                  Tick: { n: Int! }
                query:
                  who: { pipeline: who, args: { tenant: String! }, returns: Who, tenant: from_token }
                  open: { pipeline: who, args: { x: Int }, returns: Who, auth: none }
                  limited: { pipeline: who, args: { x: Int }, returns: Who, auth: none, rate_limit: { permit: 1, window_s: 60 } }
                subscription:
                  ticks: { pipeline: ticks, args: { tenant: String!, count: Int! }, returns: Tick, tenant: from_token }
        {{PolicyYaml.Pipelines}}
          ticks: { stages: [ { name: ticks, node: sys.ticks } ] }
        """;

    private static async Task<WsClient> ConnectAsync(PolicyTestHost host, string? bearer = null, string? query = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (bearer is not null) socket.Options.SetRequestHeader("Authorization", "Bearer " + bearer);
        var uri = new UriBuilder(host.Server.BaseAddress) { Scheme = "ws", Path = "/v1/ws", Query = query ?? "" }.Uri;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await socket.ConnectAsync(uri, cts.Token);
        }
        catch (WebSocketException) when (socket.HttpResponseHeaders is { } headers)
        {
            throw new InvalidOperationException(uri + " " + string.Join("; ", headers.Select(h => h.Key + ": " + string.Join(",", h.Value))));
        }

        return WsClient.Wrap(socket);
    }

    [Fact]
    public async Task WebSocket_UpgradeWithoutToken_Is401_BadTokenToo()
    {
        await using var host = await PolicyTestHost.StartAsync(Yaml());

        foreach (var token in new[] { null, TestTokens.Hs256(expires: DateTimeOffset.UtcNow.AddMinutes(-5)), TestTokens.AlgNone() })
        {
            using var socket = new ClientWebSocket();
            socket.Options.CollectHttpResponseDetails = true;
            if (token is not null) socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
            var uri = new UriBuilder(host.Server.BaseAddress) { Scheme = "ws", Path = "/v1/ws" }.Uri;
            await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None));
            Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
        }

        Assert.Equal(0, host.Runs.Count);
    }

    [Fact]
    public async Task WebSocket_TokenInHeaderOrAccessTokenQuery_TenantBoundPerMessage()
    {
        await using var host = await PolicyTestHost.StartAsync(Yaml());
        await using var byHeader = await ConnectAsync(host, bearer: TestTokens.Hs256(tenant: "acme"));
        await using var byQuery = await ConnectAsync(host, query: "access_token=" + TestTokens.Hs256(subject: "bob", tenant: "acme"));

        await byHeader.SendAsync("""{"id":1,"op":"who","payload":{"tenant":"acme"}}""");
        var own = await byHeader.ReceiveJsonAsync();
        await byHeader.SendAsync("""{"id":2,"op":"who","payload":{"tenant":"globex"}}""");
        var other = await byHeader.ReceiveJsonAsync();
        await byHeader.SendAsync("""{"id":3,"op":"who","payload":{}}""");
        var none = await byHeader.ReceiveJsonAsync();
        await byQuery.SendAsync("""{"id":1,"op":"who","payload":{"tenant":"acme"}}""");
        var bob = await byQuery.ReceiveJsonAsync();

        Assert.Equal("reply", own.GetProperty("type").GetString());
        Assert.Equal("alice", own.GetProperty("payload").GetProperty("subject").GetString());
        Assert.Equal("forbidden", other.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("forbidden", none.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("bob", bob.GetProperty("payload").GetProperty("subject").GetString());
        Assert.Equal(2, host.Runs.Count);
    }

    [Fact]
    public async Task WebSocket_TokenExpiringWhileOpen_NewRequestsAre401_SocketStaysOpen()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await PolicyTestHost.StartAsync(Yaml(), time);
        await using var client = await ConnectAsync(host, bearer: TestTokens.Hs256(expires: DateTimeOffset.UtcNow.AddMinutes(1)));

        await client.SendAsync("""{"id":1,"op":"who","payload":{"tenant":"acme"}}""");
        var before = await client.ReceiveJsonAsync();
        time.Advance(TimeSpan.FromSeconds(70));
        await client.SendAsync("""{"id":2,"op":"who","payload":{"tenant":"acme"}}""");
        var after = await client.ReceiveJsonAsync();

        Assert.Equal("reply", before.GetProperty("type").GetString());
        Assert.Equal("unauthorized", after.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(WebSocketState.Open, client.Socket.State);
        Assert.Equal(1, host.Runs.Count);
    }

    [Fact]
    public async Task WebSocket_TokenExpiredWhileOpen_AnOperationNeedingNoToken_RunsAsAnonymous()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await PolicyTestHost.StartAsync(Yaml(), time);
        await using var client = await ConnectAsync(host, bearer: TestTokens.Hs256(tenant: "acme", expires: DateTimeOffset.UtcNow.AddMinutes(1)));

        await client.SendAsync("""{"id":1,"op":"open","payload":{}}""");
        var before = await client.ReceiveJsonAsync();
        time.Advance(TimeSpan.FromSeconds(70));
        await client.SendAsync("""{"id":2,"op":"open","payload":{}}""");
        var after = await client.ReceiveJsonAsync();

        // Before: the token's caller; after it expired: still served, but no longer as that caller.
        Assert.Equal(("reply", "acme"), (before.GetProperty("type").GetString(), before.GetProperty("payload").GetProperty("identity_tenant").GetString()));
        Assert.Equal("reply", after.GetProperty("type").GetString());
        Assert.Equal(("", ""), (after.GetProperty("payload").GetProperty("subject").GetString(), after.GetProperty("payload").GetProperty("identity_tenant").GetString()));
        Assert.Equal(2, host.Runs.Count);
    }

    [Fact]
    public async Task WebSocket_MessageRatePerSocket_OverItRateLimited_SocketGoesOn()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await PolicyTestHost.StartAsync(Yaml("message_rate: { permit: 1, window_s: 10 }"), time);
        await using var client = await ConnectAsync(host, bearer: TestTokens.Hs256(expires: DateTimeOffset.UtcNow.AddHours(1)));

        await client.SendAsync("""{"id":1,"op":"who","payload":{"tenant":"acme"}}""");
        var first = await client.ReceiveJsonAsync();
        await client.SendAsync("""{"id":2,"op":"who","payload":{"tenant":"acme"}}""");
        var limited = await client.ReceiveJsonAsync();
        time.Advance(TimeSpan.FromSeconds(10));
        await client.SendAsync("""{"id":3,"op":"who","payload":{"tenant":"acme"}}""");
        var again = await client.ReceiveJsonAsync();

        Assert.Equal("reply", first.GetProperty("type").GetString());
        Assert.Equal("rate_limited", limited.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("reply", again.GetProperty("type").GetString());
    }

    private static async Task<JsonElement> GraphQLAsync(PolicyTestHost host, string query, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { query }), Encoding.UTF8, "application/json"),
        };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await host.Client.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return body;
    }

    [Fact]
    public async Task GraphQLHttp_FieldTenantBound_MismatchForbidden_MissingTokenUnauthorized_OpenFieldOpen()
    {
        await using var host = await PolicyTestHost.StartAsync(Yaml());

        var own = await GraphQLAsync(host, """{ who(tenant: "acme") { subject tenant } }""", TestTokens.Hs256(tenant: "acme"));
        var other = await GraphQLAsync(host, """{ who(tenant: "globex") { subject } }""", TestTokens.Hs256(tenant: "acme"));
        var anonymous = await GraphQLAsync(host, """{ who(tenant: "acme") { subject } }""", null);
        var open = await GraphQLAsync(host, """{ open(x: 1) { subject } }""", null);

        Assert.Equal("alice", own.GetProperty("data").GetProperty("who").GetProperty("subject").GetString());
        Assert.Equal("forbidden", other.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, other.GetProperty("data").GetProperty("who").ValueKind);
        Assert.Equal("unauthorized", anonymous.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal("", open.GetProperty("data").GetProperty("open").GetProperty("subject").GetString());
        Assert.Equal(2, host.Runs.Count);
    }

    [Fact]
    public async Task GraphQLHttp_BadToken_Is401WithChallenge()
    {
        await using var host = await PolicyTestHost.StartAsync(Yaml());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent("""{"query":"{ open(x: 1) { subject } }"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Hs256(issuer: "https://evil.test"));

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Equal(0, host.Runs.Count);
    }

    [Fact]
    public async Task GraphQLWs_ConnectionInitWithBadToken_Closes4403()
    {
        await using var host = await PolicyTestHost.StartAsync(Yaml());
        await using var client = await GraphQLWsClient.ConnectAsync(host.Server.BaseAddress);

        await client.SendAsync(JsonSerializer.Serialize(new { type = "connection_init", payload = new { authorization = "Bearer " + TestTokens.Hs256(audience: "other") } }));

        Assert.Equal(4403, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task GraphQLWs_ConnectionInitWithToken_SubscriptionTenantBound()
    {
        await using var host = await PolicyTestHost.StartAsync(Yaml());
        await using var client = await GraphQLWsClient.ConnectAsync(host.Server.BaseAddress);
        await client.SendAsync(JsonSerializer.Serialize(new { type = "connection_init", payload = new { access_token = TestTokens.Hs256(tenant: "acme") } }));
        Assert.Equal("connection_ack", (await client.ReceiveAsync()).GetProperty("type").GetString());

        await client.SubscribeAsync("1", """subscription { ticks(tenant: "globex", count: 1) { n } }""");
        var refused = await client.ReceiveAsync();
        await client.SubscribeAsync("2", """subscription { ticks(tenant: "acme", count: 1) { n } }""");
        var next = await client.ReceiveAsync();

        Assert.Equal("1", refused.GetProperty("id").GetString());
        Assert.Contains("forbidden", refused.ToString(), StringComparison.Ordinal);
        Assert.Equal("next", next.GetProperty("type").GetString());
        Assert.Equal(1, next.GetProperty("payload").GetProperty("data").GetProperty("ticks").GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task MissingTenantClaim_IsForbidden_OverWebSocketGraphQLAndGraphQLWs_NoNodeRuns()
    {
        await using var host = await PolicyTestHost.StartAsync(Yaml());
        var noClaim = TestTokens.Hs256(tenant: null, expires: DateTimeOffset.UtcNow.AddHours(1));
        await using var ws = await ConnectAsync(host, bearer: noClaim);
        await using var gqlWs = await GraphQLWsClient.ConnectAsync(host.Server.BaseAddress);
        await gqlWs.SendAsync(JsonSerializer.Serialize(new { type = "connection_init", payload = new { access_token = noClaim } }));
        Assert.Equal("connection_ack", (await gqlWs.ReceiveAsync()).GetProperty("type").GetString());

        await ws.SendAsync("""{"id":1,"op":"who","payload":{"tenant":"acme"}}""");
        var overWs = await ws.ReceiveJsonAsync();
        var overGraphQL = await GraphQLAsync(host, """{ who(tenant: "acme") { subject } }""", noClaim);
        await gqlWs.SubscribeAsync("1", """subscription { ticks(tenant: "acme", count: 1) { n } }""");
        var overGraphQLWs = await gqlWs.ReceiveAsync();

        Assert.Equal("forbidden", overWs.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("the token has no tenant claim", overWs.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("forbidden", overGraphQL.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal(("1", "error"), (overGraphQLWs.GetProperty("id").GetString(), overGraphQLWs.GetProperty("type").GetString()));
        Assert.Equal("forbidden", overGraphQLWs.GetProperty("payload")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal(0, host.Runs.Count);
        Assert.Equal(3, JsonDocument.Parse(await host.Client.GetStringAsync("/stats")).RootElement.GetProperty("rejections").GetProperty("tenant").GetInt32());
    }

    [Fact]
    public async Task GraphQLWs_TokenExpiringWhileOpen_NewOperationsAreUnauthorized_ConnectionStaysOpen()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await PolicyTestHost.StartAsync(Yaml(), time);
        await using var client = await GraphQLWsClient.ConnectAsync(host.Server.BaseAddress);
        await client.SendAsync(JsonSerializer.Serialize(new { type = "connection_init", payload = new { access_token = TestTokens.Hs256(tenant: "acme", expires: DateTimeOffset.UtcNow.AddMinutes(1)) } }));
        Assert.Equal("connection_ack", (await client.ReceiveAsync()).GetProperty("type").GetString());

        await client.SubscribeAsync("1", """subscription { ticks(tenant: "acme", count: 1) { n } }""");
        var before = await client.ReceiveAsync();
        Assert.Equal("complete", (await client.ReceiveAsync()).GetProperty("type").GetString());
        time.Advance(TimeSpan.FromSeconds(70));
        await client.SubscribeAsync("2", """subscription { ticks(tenant: "acme", count: 1) { n } }""");
        var after = await client.ReceiveAsync();

        Assert.Equal(("1", "next"), (before.GetProperty("id").GetString(), before.GetProperty("type").GetString()));
        Assert.Equal(("2", "error"), (after.GetProperty("id").GetString(), after.GetProperty("type").GetString()));
        Assert.Equal("unauthorized", after.GetProperty("payload")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.Null(client.CloseStatus);

        // A field that needs no token still answers on the same connection, as an anonymous caller.
        await client.SubscribeAsync("3", """{ open(x: 1) { subject tenant } }""");
        var open = await client.ReceiveAsync();
        Assert.Equal(("3", "next"), (open.GetProperty("id").GetString(), open.GetProperty("type").GetString()));
        Assert.Equal("", open.GetProperty("payload").GetProperty("data").GetProperty("open").GetProperty("subject").GetString());
    }

    [Fact]
    public async Task GraphQLHttp_FieldRateLimit_OverItIsRateLimitedWithRetryAfter_OtherFieldsGoOn()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await PolicyTestHost.StartAsync(Yaml(), time);

        var first = await GraphQLAsync(host, """{ limited(x: 1) { subject } }""", null);
        time.Advance(TimeSpan.FromSeconds(15));
        var second = await GraphQLAsync(host, """{ limited(x: 1) { subject } open(x: 2) { subject } }""", null);
        time.Advance(TimeSpan.FromSeconds(45));
        var third = await GraphQLAsync(host, """{ limited(x: 1) { subject } }""", null);

        Assert.False(first.TryGetProperty("errors", out _));
        var error = Assert.Single(second.GetProperty("errors").EnumerateArray());
        Assert.Equal("rate_limited", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal(45, error.GetProperty("extensions").GetProperty("retry_after_s").GetInt32());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("data").GetProperty("limited").ValueKind);
        Assert.Equal("", second.GetProperty("data").GetProperty("open").GetProperty("subject").GetString());
        Assert.False(third.TryGetProperty("errors", out _));
        Assert.Equal(3, host.Runs.Count);
    }
}
