using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portway.EndToEnd.Tests.Multiprocess;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Redis;

/// <summary>
/// config/redis.yaml with two hosts (each supervising one replica of <c>cpu_sync</c>): each replica is a worker of its
/// own in the group, <c>/stats</c> shows every live worker of the group on any machine and the host's own replicas,
/// and one host stopping (its replica with it, draining the hops it holds) leaves the other serving without a single
/// error.
/// </summary>
[Collection(WorkerProcesses.Collection)]
public sealed class RedisGroupStatusTests : IClassFixture<RedisServerFixture>
{
    private readonly RedisServerFixture _redis;

    public RedisGroupStatusTests(RedisServerFixture redis) => _redis = redis;

    private static async Task<JsonElement> GroupAsync(HostProcess host)
    {
        using var client = RedisDeployment.Client(host);
        using var stats = JsonDocument.Parse(await client.GetStringAsync("/stats"));
        return stats.RootElement.GetProperty("process_groups").EnumerateArray().Single(g => g.GetProperty("name").GetString() == "cpu_sync").Clone();
    }

    [Fact]
    public async Task Stats_ShowsEveryLiveWorkerOfTheGroup_AndThisHostsOwnReplica()
    {
        await using var deployment = new RedisDeployment(_redis);
        var hosts = await Task.WhenAll(deployment.StartHostAsync(), deployment.StartHostAsync());
        var standalone = await deployment.StartWorkerAsync("standalone-1");
        foreach (var host in hosts) await RedisDeployment.WaitServingAsync(host);

        // Two replicas (one per host) and the standalone worker: three workers, seen alike by both hosts.
        foreach (var host in hosts)
        {
            await RedisDeployment.Until(async () => (await GroupAsync(host)).GetProperty("ready").GetInt32() == 3, "each host sees the three live workers");
        }

        var ids = new List<string>();
        foreach (var host in hosts)
        {
            var group = await GroupAsync(host);
            Assert.Equal("redis", group.GetProperty("transport").GetString());
            Assert.Equal(1, group.GetProperty("replicas").GetInt32());
            Assert.Equal(0, group.GetProperty("hops_in_flight").GetInt32());
            var replica = Assert.Single(group.GetProperty("workers").EnumerateArray().ToList());
            Assert.StartsWith("cpu_sync-", replica.GetProperty("id").GetString(), StringComparison.Ordinal);
            Assert.EndsWith("-1", replica.GetProperty("id").GetString(), StringComparison.Ordinal);
            Assert.Equal("ready", replica.GetProperty("state").GetString());
            Assert.True(replica.GetProperty("pid").GetInt32() > 0);
            Assert.Equal(0, replica.GetProperty("restarts").GetInt32());
            Assert.Equal(JsonValueKind.Null, replica.GetProperty("hops_in_flight").ValueKind);
            ids.Add(replica.GetProperty("id").GetString()!);
        }

        Assert.NotEqual(ids[0], ids[1]);

        // The dashboard says the same: the group's live workers over Redis, and this host's replica.
        await using (var chromium = await HeadlessChromium.StartAsync())
        {
            await chromium.NavigateAsync(new Uri(hosts[0].BaseAddress!, "/dashboard"));
            var title = await chromium.UntilAsync("document.querySelector('#groups [data-group=\"cpu_sync\"] h3')?.textContent ?? ''",
                v => v.GetString()!.Contains("live", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the dashboard draws the redis group");
            Assert.Equal("cpu_sync: 3 live workers over Redis (1 local)", title.GetString());
            var hops = await chromium.EvaluateAsync("document.querySelector('#groups [data-group=\"cpu_sync\"] .group-hops').textContent");
            Assert.Equal("hops in flight from this host: 0", hops.GetString());
            var row = await chromium.EvaluateAsync(
                $"(() => {{ const tr = document.querySelector('#groups [data-worker=\"{ids[0]}\"]'); return tr.querySelector('.worker-state').textContent + ':' + tr.querySelector('.hops').textContent; }})()");
            Assert.Equal("ready:-", row.GetString());
            Assert.Empty(chromium.Errors);
        }
        await using var redis = await deployment.ConnectAsync();
        var announced = await redis.GetDatabase().SortedSetRangeByRankAsync($"{deployment.TransportRoot}:workers:cpu_sync");
        Assert.Equal([.. ids.Append("standalone-1").Order(StringComparer.Ordinal)], announced.Select(m => m.ToString()).Order(StringComparer.Ordinal).ToArray());

        // The standalone worker stops: both hosts count two.
        standalone.Terminate();
        Assert.Equal(0, await standalone.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        foreach (var host in hosts)
        {
            await RedisDeployment.Until(async () => (await GroupAsync(host)).GetProperty("ready").GetInt32() == 2, "each host sees the standalone worker gone");
        }
    }

    [Fact]
    public async Task OneHostStopping_LeavesTheOtherServingItsCallers_No503()
    {
        await using var deployment = new RedisDeployment(_redis);
        var hosts = await Task.WhenAll(deployment.StartHostAsync(), deployment.StartHostAsync());
        foreach (var host in hosts) await RedisDeployment.WaitServingAsync(host);
        await RedisDeployment.Until(async () => (await GroupAsync(hosts[1])).GetProperty("ready").GetInt32() == 2, "host B sees both replicas");

        // Host B serves a steady stream while host A stops (SIGTERM): A's replica stops with it and leaves the group.
        using var client = RedisDeployment.Client(hosts[1]);
        using var stop = new CancellationTokenSource();
        var statuses = new List<(HttpStatusCode Status, string Body)>();
        var callers = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                using var response = await client.PostAsJsonAsync("/v1/remote/echo", new { c, i });
                var body = await response.Content.ReadAsStringAsync();
                lock (statuses) statuses.Add((response.StatusCode, body));
            }
        })).ToArray();

        await RedisDeployment.Until(() => Task.FromResult(statuses.Count >= 20), "host B answers before host A stops");
        hosts[0].Terminate();
        Assert.Equal(0, await hosts[0].WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await RedisDeployment.Until(async () => (await GroupAsync(hosts[1])).GetProperty("ready").GetInt32() == 1, "host B sees host A's replica gone");
        var afterStop = statuses.Count;
        await RedisDeployment.Until(() => Task.FromResult(statuses.Count >= afterStop + 20), "host B goes on answering");
        await stop.CancelAsync();
        await Task.WhenAll(callers);

        lock (statuses)
        {
            Assert.All(statuses, s => Assert.True(s.Status == HttpStatusCode.OK, $"{(int)s.Status}: {s.Body}"));
        }
    }
}
