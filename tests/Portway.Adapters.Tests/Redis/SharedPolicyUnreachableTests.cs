using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Portway.Adapters.Tests.Policies;

namespace Portway.Adapters.Tests.Redis;

/// <summary>
/// <c>policy_store: redis</c> with a Redis that cannot be reached: limits still hold (each host counts on its own
/// meanwhile), the response cache is a miss (the node answers every time), and a cache clear answers 503
/// <c>unavailable</c> instead of pretending it cleared.
/// </summary>
public sealed class SharedPolicyUnreachableTests
{
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task RedisDown_LimitsCountedOnThisHost_CacheMisses_ClearIs503()
    {
        var yaml = $$"""
            runtime:
              platform:
                redis: { connection: "127.0.0.1:{{ClosedPort()}},connectTimeout=500", key_prefix: down }
              web:
                policy_store: redis
            {{PolicyYaml.Indent(PolicyYaml.HsJwt, 4)}}
                interfaces:
                  - kind: http
                    auth: none
                    endpoints:
                      - { route: "POST /v1/fixed", pipeline: who, rate_limit: { permit: 1, window_s: 60 } }
                      - { route: "GET /v1/cached", pipeline: who, cache: { ttl_s: 300, shared: true } }
            {{PolicyYaml.Pipelines}}
            """;
        await using var host = await PolicyTestHost.StartAsync(yaml);

        using var first = await host.Client.PostAsync("/v1/fixed", new StringContent("{}", Encoding.UTF8, "application/json"));
        using var second = await host.Client.PostAsync("/v1/fixed", new StringContent("{}", Encoding.UTF8, "application/json"));
        using var cachedOnce = await host.Client.GetAsync("/v1/cached");
        using var cachedTwice = await host.Client.GetAsync("/v1/cached");
        using var clear = new HttpRequestMessage(HttpMethod.Post, "/v1/cache/clear") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        clear.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Hs256());
        using var cleared = await host.Client.SendAsync(clear);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((HttpStatusCode)429, second.StatusCode);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (cachedOnce.StatusCode, cachedTwice.StatusCode));
        Assert.Equal(3, host.Runs.Count); // the fixed endpoint once, the cached endpoint twice: nothing was served from the cache
        Assert.Equal(HttpStatusCode.ServiceUnavailable, cleared.StatusCode);
        Assert.Equal("unavailable", JsonDocument.Parse(await cleared.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
    }
}
