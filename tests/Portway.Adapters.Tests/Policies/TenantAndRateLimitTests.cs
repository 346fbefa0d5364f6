using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Portway.Adapters.Tests.Policies;

public sealed class TenantAndRateLimitTests
{
    private static HttpRequestMessage Get(string path, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static async Task<HttpResponseMessage> SendAsync(PolicyTestHost host, string path, string? token = null)
    {
        using var request = Get(path, token);
        return await host.Client.SendAsync(request);
    }

    private static async Task<string> CodeOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString()!;

    [Fact]
    public async Task TenantFromToken_Match_ReachesNode_Mismatch_403_NoNodeRuns()
    {
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http("""- { route: "GET /v1/tenants/{tenant}/who", pipeline: who, tenant: from_token }"""));

        using var own = await SendAsync(host, "/v1/tenants/acme/who", TestTokens.Hs256(tenant: "acme"));
        using var other = await SendAsync(host, "/v1/tenants/globex/who", TestTokens.Hs256(tenant: "acme"));
        using var noClaim = await SendAsync(host, "/v1/tenants/acme/who", TestTokens.Hs256(tenant: null));

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal("acme", JsonDocument.Parse(await own.Content.ReadAsStringAsync()).RootElement.GetProperty("tenant").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal("forbidden", await CodeOf(other));
        Assert.Equal(HttpStatusCode.Forbidden, noClaim.StatusCode);
        Assert.Equal(1, host.Runs.Count);
    }

    [Fact]
    public async Task FixedWindow_OverLimit_429WithRetryAfterOfTheWindowsRest_ThenAllowedAfterIt()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http(
            """- { route: "GET /v1/who", pipeline: who, auth: none, rate_limit: { permit: 2, window_s: 60 } }"""), time);

        using var first = await SendAsync(host, "/v1/who");
        time.Advance(TimeSpan.FromSeconds(20));
        using var second = await SendAsync(host, "/v1/who");
        using var third = await SendAsync(host, "/v1/who");
        time.Advance(TimeSpan.FromSeconds(39));
        using var stillOver = await SendAsync(host, "/v1/who");
        time.Advance(TimeSpan.FromSeconds(1));
        using var nextWindow = await SendAsync(host, "/v1/who");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((HttpStatusCode)429, third.StatusCode);
        Assert.Equal("rate_limited", await CodeOf(third));
        Assert.Equal(TimeSpan.FromSeconds(40), third.Headers.RetryAfter!.Delta);
        Assert.Equal(TimeSpan.FromSeconds(1), stillOver.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.OK, nextWindow.StatusCode);
        Assert.Equal(3, host.Runs.Count);
    }

    [Fact]
    public async Task SlidingWindow_FreesPermitsAsSegmentsLeave()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http(
            """- { route: "GET /v1/who", pipeline: who, auth: none, rate_limit: { kind: sliding, permit: 2, window_s: 60, segments: 6 } }"""), time);

        using var a = await SendAsync(host, "/v1/who");
        time.Advance(TimeSpan.FromSeconds(30));
        using var b = await SendAsync(host, "/v1/who");
        using var over = await SendAsync(host, "/v1/who");
        time.Advance(TimeSpan.FromSeconds(30));
        using var afterFirstLeft = await SendAsync(host, "/v1/who");
        using var overAgain = await SendAsync(host, "/v1/who");

        Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        Assert.Equal(HttpStatusCode.OK, b.StatusCode);
        Assert.Equal((HttpStatusCode)429, over.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), over.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.OK, afterFirstLeft.StatusCode);
        Assert.Equal((HttpStatusCode)429, overAgain.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), overAgain.Headers.RetryAfter!.Delta);
    }

    [Fact]
    public async Task TokenBucket_RefillsTokensPerPeriod()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http(
            """- { route: "GET /v1/who", pipeline: who, auth: none, rate_limit: { kind: token_bucket, permit: 2, window_s: 10, tokens_per_period: 1 } }"""), time);

        using var a = await SendAsync(host, "/v1/who");
        using var b = await SendAsync(host, "/v1/who");
        time.Advance(TimeSpan.FromSeconds(4));
        using var empty = await SendAsync(host, "/v1/who");
        time.Advance(TimeSpan.FromSeconds(6));
        using var refilled = await SendAsync(host, "/v1/who");
        using var emptyAgain = await SendAsync(host, "/v1/who");

        Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        Assert.Equal(HttpStatusCode.OK, b.StatusCode);
        Assert.Equal((HttpStatusCode)429, empty.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(6), empty.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.OK, refilled.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(10), emptyAgain.Headers.RetryAfter!.Delta);
    }

    [Fact]
    public async Task BySubject_EachSubjectHasItsOwnBudget()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http(
            """- { route: "GET /v1/who", pipeline: who, rate_limit: { permit: 1, window_s: 60, by: subject } }"""), time);

        using var alice = await SendAsync(host, "/v1/who", TestTokens.Hs256(subject: "alice"));
        using var aliceAgain = await SendAsync(host, "/v1/who", TestTokens.Hs256(subject: "alice"));
        using var bob = await SendAsync(host, "/v1/who", TestTokens.Hs256(subject: "bob"));

        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        Assert.Equal((HttpStatusCode)429, aliceAgain.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bob.StatusCode);
    }

    [Fact]
    public async Task ByTenant_SubjectsOfOneTenantShareABudget_AnotherTenantHasItsOwn()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http(
            """- { route: "GET /v1/who", pipeline: who, rate_limit: { permit: 1, window_s: 60, by: tenant } }"""), time);

        using var alice = await SendAsync(host, "/v1/who", TestTokens.Hs256(subject: "alice", tenant: "acme"));
        using var bob = await SendAsync(host, "/v1/who", TestTokens.Hs256(subject: "bob", tenant: "acme"));
        using var eve = await SendAsync(host, "/v1/who", TestTokens.Hs256(subject: "eve", tenant: "globex"));

        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        Assert.Equal((HttpStatusCode)429, bob.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), bob.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.OK, eve.StatusCode);
    }

    [Fact]
    public async Task Concurrency_OneInFlight_SecondIs429_ThenFreedWhenTheFirstEnds()
    {
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http(
            """- { route: "GET /v1/gate", pipeline: gate, auth: none, rate_limit: { kind: concurrency, permit: 1 } }"""));

        var first = SendAsync(host, "/v1/gate");
        await Portway.Testing.Eventually.TrueAsync(() => host.Server.PendingWaiters == 1, TimeSpan.FromSeconds(30), "the first request waiting at the gate");
        using var second = await SendAsync(host, "/v1/gate");
        host.Gate.Open.SetResult();
        using var firstDone = await first;
        using var third = await SendAsync(host, "/v1/gate");

        Assert.Equal((HttpStatusCode)429, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, firstDone.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task Stats_CountRejectionsByPolicy()
    {
        await using var host = await PolicyTestHost.StartAsync(PolicyYaml.Http("""
            - { route: "GET /v1/tenants/{tenant}/who", pipeline: who, tenant: from_token, rate_limit: { permit: 1, window_s: 600, by: tenant } }
            """));

        (await SendAsync(host, "/v1/tenants/acme/who")).Dispose();
        (await SendAsync(host, "/v1/tenants/globex/who", TestTokens.Hs256(tenant: "acme"))).Dispose();
        (await SendAsync(host, "/v1/tenants/acme/who", TestTokens.Hs256(tenant: "acme"))).Dispose();
        (await SendAsync(host, "/v1/tenants/acme/who", TestTokens.Hs256(tenant: "acme"))).Dispose();
        var stats = JsonDocument.Parse(await host.Client.GetStringAsync("/stats")).RootElement.GetProperty("rejections");

        Assert.Equal(1, stats.GetProperty("auth").GetInt32());
        Assert.Equal(1, stats.GetProperty("tenant").GetInt32());
        Assert.Equal(1, stats.GetProperty("rate_limit").GetInt32());
        Assert.Equal(0, stats.GetProperty("scope").GetInt32());
    }
}
