using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Portway.Adapters.Tests.WebSocket;
using Portway.Testing;

namespace Portway.Adapters.Tests.Policies;

/// <summary>
/// Policies per WebSocket operation (auth, tenant, rate limit and concurrency counted per operation, each refusal
/// that message's own error frame, the socket going on) and a GraphQL subscription holding its concurrency permit
/// for its whole life. Real Kestrel, real ClientWebSocket.
/// </summary>
public sealed class OperationPolicyTests
{
    private static readonly string Yaml = $$"""
        runtime:
          web:
        {{PolicyYaml.Indent(PolicyYaml.HsJwt, 4)}}
            interfaces:
              - kind: websocket
                auth: none
                endpoints:
                  - route: /v1/ws
                    rate_limit: { permit: 2, window_s: 60 }
                    operations:
                      who: who
                      also: who
                      limited: { pipeline: who, rate_limit: { permit: 1, window_s: 60 } }
                      mine: { pipeline: who, auth: required, tenant: from_token }
                      slow: { pipeline: gate, rate_limit: { kind: concurrency, permit: 1 } }
              - kind: graphql
                auth: none
                types:
                  Tick: { n: Int! }
                query:
                  open: { pipeline: who, args: { x: Int }, returns: Tick }
                subscription:
                  ticks: { pipeline: ticks, args: { count: Int!, interval_ms: Int }, returns: Tick, auth: required, rate_limit: { kind: concurrency, permit: 1, by: subject } }
        {{PolicyYaml.Pipelines}}
          ticks: { stages: [ { name: ticks, node: sys.ticks } ] }
        """;

    private static async Task<WsClient> ConnectAsync(PolicyTestHost host, string? bearer = null)
    {
        var socket = new ClientWebSocket();
        if (bearer is not null) socket.Options.SetRequestHeader("Authorization", "Bearer " + bearer);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await socket.ConnectAsync(new UriBuilder(host.Server.BaseAddress) { Scheme = "ws", Path = "/v1/ws" }.Uri, cts.Token);
        return WsClient.Wrap(socket);
    }

    private static async Task<JsonElement> AskAsync(WsClient client, string message)
    {
        await client.SendAsync(message);
        return await client.ReceiveJsonAsync();
    }

    private static string? Code(JsonElement frame) =>
        frame.GetProperty("type").GetString() == "error" ? frame.GetProperty("error").GetProperty("code").GetString() : frame.GetProperty("type").GetString();

    [Fact]
    public async Task RateLimit_CountedPerOperation_RefusalIsThatMessagesFrame_WithRetryAfter_SocketGoesOn()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await PolicyTestHost.StartAsync(Yaml, time);
        await using var client = await ConnectAsync(host);

        var limited1 = await AskAsync(client, """{"id":1,"op":"limited"}""");
        var limited2 = await AskAsync(client, """{"id":2,"op":"limited"}""");
        // 'who' and 'also' take the endpoint's limit (2 per minute), each counted for itself, untouched by 'limited'.
        var who = new[] { await AskAsync(client, """{"id":3,"op":"who"}"""), await AskAsync(client, """{"id":4,"op":"who"}"""), await AskAsync(client, """{"id":5,"op":"who"}""") };
        var also = await AskAsync(client, """{"id":6,"op":"also"}""");
        time.Advance(TimeSpan.FromSeconds(60));
        var limited3 = await AskAsync(client, """{"id":7,"op":"limited"}""");

        Assert.Equal("reply", Code(limited1));
        Assert.Equal("rate_limited", Code(limited2));
        Assert.Equal(2, limited2.GetProperty("id").GetInt32());
        Assert.Equal(60, limited2.GetProperty("error").GetProperty("retry_after_s").GetInt32());
        Assert.Contains("/v1/ws limited", limited2.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(["reply", "reply", "rate_limited"], who.Select(Code));
        Assert.Equal("reply", Code(also));
        Assert.Equal("reply", Code(limited3));
        Assert.Equal(WebSocketState.Open, client.Socket.State);
        Assert.Equal(5, host.Runs.Count);
    }

    [Fact]
    public async Task OperationNeedingToken_AnonymousSocketIs401ForIt_OpenOpsGoOn_TenantBoundWithToken()
    {
        await using var host = await PolicyTestHost.StartAsync(Yaml);
        await using var anonymous = await ConnectAsync(host);
        await using var acme = await ConnectAsync(host, TestTokens.Hs256(tenant: "acme"));

        var refused = await AskAsync(anonymous, """{"id":1,"op":"mine","payload":{"tenant":"acme"}}""");
        var open = await AskAsync(anonymous, """{"id":2,"op":"who"}""");
        var own = await AskAsync(acme, """{"id":1,"op":"mine","payload":{"tenant":"acme"}}""");
        var other = await AskAsync(acme, """{"id":2,"op":"mine","payload":{"tenant":"globex"}}""");

        Assert.Equal("unauthorized", Code(refused));
        Assert.Equal("reply", Code(open));
        Assert.Equal("", open.GetProperty("payload").GetProperty("subject").GetString());
        Assert.Equal("alice", own.GetProperty("payload").GetProperty("subject").GetString());
        Assert.Equal("forbidden", Code(other));
        Assert.Equal(WebSocketState.Open, anonymous.Socket.State);
        Assert.Equal(2, host.Runs.Count);
    }

    [Fact]
    public async Task Upgrade_WithABadToken_Is401_EvenWhereTokensAreOptional()
    {
        await using var host = await PolicyTestHost.StartAsync(Yaml);
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Authorization", "Bearer " + TestTokens.Hs256(issuer: "https://evil.test"));

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new UriBuilder(host.Server.BaseAddress) { Scheme = "ws", Path = "/v1/ws" }.Uri, CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
    }

    [Fact]
    public async Task Concurrency_PerOperation_HeldWhileInFlight_OtherOpsGoOn_FreedWhenItEnds()
    {
        await using var host = await PolicyTestHost.StartAsync(Yaml);
        await using var client = await ConnectAsync(host);

        await client.SendAsync("""{"id":"a","op":"slow","payload":{"n":1}}""");
        await Eventually.TrueAsync(() => host.Server.PendingWaiters == 1, TimeSpan.FromSeconds(30), "the first slow request waiting at the gate");
        var second = await AskAsync(client, """{"id":"b","op":"slow"}""");
        var other = await AskAsync(client, """{"id":"c","op":"who"}""");
        host.Gate.Open.SetResult();
        var first = await client.ReceiveJsonAsync();
        var third = await AskAsync(client, """{"id":"d","op":"slow"}""");

        Assert.Equal("rate_limited", Code(second));
        Assert.Equal("b", second.GetProperty("id").GetString());
        Assert.Equal("reply", Code(other));
        Assert.Equal(("a", "reply"), (first.GetProperty("id").GetString(), Code(first)));
        Assert.Equal("reply", Code(third));
    }

    [Fact]
    public async Task GraphQLSubscription_HoldsItsConcurrencyPermitForItsLife_FreedOnComplete_AndWhenTheClientVanishes()
    {
        await using var host = await PolicyTestHost.StartAsync(Yaml);
        var token = TestTokens.Hs256(expires: DateTimeOffset.UtcNow.AddHours(1));
        const string Endless = """subscription { ticks(count: 1000, interval_ms: 600000) { n } }""";
        await using var first = await InitAsync(host, token);

        await first.SubscribeAsync("1", Endless);
        var live = await first.ReceiveAsync();
        await first.SubscribeAsync("2", Endless);
        var refused = await first.ReceiveAsync();
        await first.SendAsync("""{"id":"1","type":"complete"}""");
        await first.SubscribeAsync("3", Endless);
        var afterComplete = await first.ReceiveAsync();

        await using var second = await InitAsync(host, token);
        await second.SubscribeAsync("4", Endless);
        var whileHeld = await second.ReceiveAsync();
        first.Abort();
        await Eventually.TrueAsync(() => host.Server.PendingWaiters == 0, TimeSpan.FromSeconds(30), "the vanished client's subscription ended");
        await second.SubscribeAsync("5", Endless);
        var afterVanish = await second.ReceiveAsync();

        Assert.Equal(("1", "next"), (live.GetProperty("id").GetString(), live.GetProperty("type").GetString()));
        Assert.Equal(("2", "error"), (refused.GetProperty("id").GetString(), refused.GetProperty("type").GetString()));
        Assert.Contains("rate_limited", refused.ToString(), StringComparison.Ordinal);
        Assert.Equal(("3", "next"), (afterComplete.GetProperty("id").GetString(), afterComplete.GetProperty("type").GetString()));
        Assert.Equal(("4", "error"), (whileHeld.GetProperty("id").GetString(), whileHeld.GetProperty("type").GetString()));
        Assert.Equal(("5", "next"), (afterVanish.GetProperty("id").GetString(), afterVanish.GetProperty("type").GetString()));
    }

    private static async Task<GraphQLWsClient> InitAsync(PolicyTestHost host, string token)
    {
        var client = await GraphQLWsClient.ConnectAsync(host.Server.BaseAddress);
        await client.SendAsync(JsonSerializer.Serialize(new { type = "connection_init", payload = new { access_token = token } }));
        Assert.Equal("connection_ack", (await client.ReceiveAsync()).GetProperty("type").GetString());
        return client;
    }
}
