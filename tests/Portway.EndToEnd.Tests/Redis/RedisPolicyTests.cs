using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Portway.EndToEnd.Tests.Multiprocess;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Redis;

/// <summary>
/// config/redis.yaml's boundary policies with two real host processes on one redis-server: a token issued by one host
/// is valid on the other (one PORTWAY_JWT_SECRET), the profiles need it for their tenant, and the token endpoint's
/// limit (10 per window by client) is counted across both hosts (policy_store: redis).
/// </summary>
[Collection(WorkerProcesses.Collection)]
public sealed class RedisPolicyTests : IClassFixture<RedisServerFixture>
{
    private readonly RedisServerFixture _redis;

    public RedisPolicyTests(RedisServerFixture redis) => _redis = redis;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task TokenFromOneHost_ValidOnTheOther_TokenEndpointLimitSharedByBothHosts()
    {
        // A day-long window: the ten requests cannot straddle two windows (fixed windows are aligned on the clock).
        await using var deployment = new RedisDeployment(_redis, yaml => yaml.Replace(
            "rate_limit: { permit: 10, window_s: 60, by: client }", "rate_limit: { permit: 10, window_s: 86400, by: client }", StringComparison.Ordinal));
        var hosts = await Task.WhenAll(deployment.StartHostAsync(), deployment.StartHostAsync());
        var clients = hosts.Select(RedisDeployment.Client).ToArray();

        var statuses = new List<HttpStatusCode>();
        string? token = null;
        for (var i = 0; i < 10; i++)
        {
            using var issued = await clients[i % 2].PostAsync("/v1/auth/token", Json("""{"api_key":"demo-acme-key"}"""));
            statuses.Add(issued.StatusCode);
            var body = await issued.Content.ReadAsStringAsync();
            token ??= issued.IsSuccessStatusCode ? System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString() : null;
        }

        using var eleventh = await clients[1].PostAsync("/v1/auth/token", Json("""{"api_key":"demo-acme-key"}"""));
        using var put = new HttpRequestMessage(HttpMethod.Put, "/v1/tenants/acme/profiles/alice") { Content = Json("""{"vector":[0.5,0.4,0.3,0.2,0.1,0.6,0.7,0.8]}""") };
        put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var putOnOtherHost = await clients[1].SendAsync(put);
        using var anonymous = await clients[1].GetAsync("/v1/tenants/acme/profiles/alice");

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal((HttpStatusCode)429, eleventh.StatusCode);
        Assert.NotNull(eleventh.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, putOnOtherHost.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        foreach (var client in clients) client.Dispose();
    }
}
