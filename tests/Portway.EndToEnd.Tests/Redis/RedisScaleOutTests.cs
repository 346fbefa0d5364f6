using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portway.EndToEnd.Tests.Multiprocess;
using Portway.Testing;
using StackExchange.Redis;

namespace Portway.EndToEnd.Tests.Redis;

/// <summary>
/// config/redis.yaml end to end: two hosts and two standalone workers against one redis-server; a worker killed
/// with SIGKILL while it holds hops; redis-server restarted under load; serve and worker refusing to start without the secret.
/// </summary>
[Collection(WorkerProcesses.Collection)]
public sealed class RedisScaleOutTests : IClassFixture<RedisServerFixture>
{
    private readonly RedisServerFixture _redis;

    public RedisScaleOutTests(RedisServerFixture redis) => _redis = redis;

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TwoHostsTwoWorkers_1000ConcurrentRequests_EachAnsweredToItsOwnCaller()
    {
        await using var deployment = new RedisDeployment(_redis);
        var hosts = await Task.WhenAll(deployment.StartHostAsync(), deployment.StartHostAsync());
        await deployment.StartWorkerAsync("standalone-1");
        await deployment.StartWorkerAsync("standalone-2");
        foreach (var host in hosts) await RedisDeployment.WaitServingAsync(host);
        await using var redis = await deployment.ConnectAsync();
        var db = redis.GetDatabase();
        var replyStreams = redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: deployment.ReplyPattern).Select(k => (string)k!).ToList();
        Assert.Equal(2, replyStreams.Count);
        var before = await Task.WhenAll(replyStreams.Select(s => RedisStreamProbe.EnvelopesAsync(db, s)));

        var clients = hosts.Select(RedisDeployment.Client).ToArray();
        var results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async i =>
        {
            var (status, body) = await PostAsync(clients[i % 2], "/v1/remote/echo", new { n = i, via = i % 2 });
            return (i, status, body);
        }));

        Assert.All(results, r =>
        {
            Assert.Equal(HttpStatusCode.OK, r.status);
            using var json = JsonDocument.Parse(r.body);
            Assert.Equal(r.i, json.RootElement.GetProperty("n").GetInt32());
            Assert.Equal(r.i % 2, json.RootElement.GetProperty("via").GetInt32());
        });
        // Each host's answers came on its own reply stream only: 500 new answers on each (answers sent together share an entry).
        var after = await Task.WhenAll(replyStreams.Select(s => RedisStreamProbe.EnvelopesAsync(db, s)));
        Assert.Equal([500L, 500L], after.Zip(before, (a, b) => a - b).ToArray());
        foreach (var host in hosts) await RedisDeployment.Until(async () => await RedisDeployment.PendingAsync(host) == 0, "pending_waiters returns to 0");
        var pending = await db.StreamPendingAsync(deployment.HopStream, "workers");
        Assert.Equal(0, pending.PendingMessageCount);
        foreach (var client in clients) client.Dispose();
    }

    [Fact]
    public async Task WorkerKilledWhileHoldingHops_EachIsClaimedAndAnsweredExactlyOnce()
    {
        await using var deployment = new RedisDeployment(_redis, yaml => yaml.Replace("claim_idle_ms: 5000", "claim_idle_ms: 1000", StringComparison.Ordinal));
        var host = await deployment.StartHostAsync();
        await RedisDeployment.WaitServingAsync(host);
        var victim = await deployment.StartWorkerAsync("victim");
        await using var redis = await deployment.ConnectAsync();
        var db = redis.GetDatabase();
        var replies = redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: deployment.ReplyPattern).Select(k => (string)k!).Single();
        var before = await RedisStreamProbe.EnvelopesAsync(db, replies);
        using var client = RedisDeployment.Client(host);

        var sends = Enumerable.Range(0, 20).Select(i => PostAsync(client, "/v1/remote/delay", new { ms = 2000, n = i })).ToList();
        long held = 0;
        await RedisDeployment.Until(async () =>
        {
            // Hops sent together share an entry: count the hops of the pending entries, not the entries.
            held = await RedisStreamProbe.PendingEnvelopesAsync(db, deployment.HopStream, "workers", "victim");
            return held > 0 && await RedisStreamProbe.PendingEnvelopesAsync(db, deployment.HopStream, "workers") == 20;
        }, "the victim holds hops");
        await victim.DisposeAsync(); // SIGKILL

        var answers = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(Enumerable.Range(0, 20), answers.Select(a => JsonDocument.Parse(a.Body).RootElement.GetProperty("n").GetInt32()).Order());
        Assert.Equal(20, await RedisStreamProbe.EnvelopesAsync(db, replies) - before); // one answer per hop, none twice
        Assert.Contains("claimed", host.Output, StringComparison.Ordinal);
        var pending = await db.StreamPendingAsync(deployment.HopStream, "workers");
        Assert.Equal(0, pending.PendingMessageCount);
        await RedisDeployment.Until(async () => await RedisDeployment.PendingAsync(host) == 0, "pending_waiters returns to 0");
    }

    [Fact]
    public async Task RedisRestartedUnderLoad_503WhileDown_NoRequestHangs_ServiceResumes()
    {
        await using var deployment = new RedisDeployment(_redis);
        var host = await deployment.StartHostAsync();
        await RedisDeployment.WaitServingAsync(host);
        using var client = RedisDeployment.Client(host);
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<(HttpStatusCode Status, TimeSpan Took)>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var watch = Stopwatch.StartNew();
                var (status, _) = await PostAsync(client, "/v1/remote/echo", new { x = 1 });
                outcomes.Add((status, watch.Elapsed));
            }
        })).ToArray();
        await RedisDeployment.Until(() => Task.FromResult(outcomes.Count(o => o.Status == HttpStatusCode.OK) >= 50), "load flows");

        await _redis.StopAsync();
        await RedisDeployment.Until(() => Task.FromResult(outcomes.Count(o => o.Status == HttpStatusCode.ServiceUnavailable) >= 20), "503s while redis-server is down");
        var okBeforeRestart = outcomes.Count(o => o.Status == HttpStatusCode.OK);
        await _redis.StartAsync();
        await RedisDeployment.Until(() => Task.FromResult(outcomes.Count(o => o.Status == HttpStatusCode.OK) >= okBeforeRestart + 50), "service resumes after the restart");
        await stop.CancelAsync();
        await Task.WhenAll(load);

        // The endpoint's deadline is 5 s: nothing waits past it (plus scheduling slack on a loaded machine).
        Assert.All(outcomes, o => Assert.True(o.Took < TimeSpan.FromSeconds(10), $"a request took {o.Took}"));
        Assert.All(outcomes, o => Assert.Contains(o.Status, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout }));
        await RedisDeployment.Until(async () => await RedisDeployment.PendingAsync(host) == 0, "pending_waiters returns to 0");
    }

    [Fact]
    public async Task ServeAndWorker_WithoutTheSecret_RefuseToStartSayingHow()
    {
        var environment = new Dictionary<string, string> { ["PORTWAY_REDIS"] = _redis.ConnectionString, ["PORTWAY_IPC_SECRET"] = "", ["PORTWAY_JWT_SECRET"] = RedisDeployment.JwtSecret };
        var config = RepoPaths.Config("redis.yaml");
        await using var serve = await HostProcess.StartAsync(["serve", "--config", config], environment, waitForListening: false);
        await using var worker = await HostProcess.StartAsync(["worker", "--group", "cpu_sync", "--config", config], environment, waitForListening: false);

        Assert.Equal(1, await serve.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(1, await worker.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("export PORTWAY_IPC_SECRET=$(openssl rand -hex 32)", serve.Output, StringComparison.Ordinal);
        Assert.Contains("export PORTWAY_IPC_SECRET=$(openssl rand -hex 32)", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SupervisedReplicas_KeepTheRuntimesThreadPoolSpinning_OrTheHostsSetting()
    {
        await using var deployment = new RedisDeployment(_redis);
        var plain = await deployment.StartHostAsync();
        var environment = deployment.Environment;
        environment[SpinLimit] = "5";
        await using var tuned = await HostProcess.StartAsync(["serve", "--config", deployment.ConfigPath], environment);

        // Each host supervises one replica of cpu_sync (config/redis.yaml): its environment, as the kernel has it.
        await RedisDeployment.Until(() => Task.FromResult(SpinLimitsOfChildren(plain.Pid).Count == 1 && SpinLimitsOfChildren(tuned.Pid).Count == 1), "each host started its replica");
        Assert.Equal([null], SpinLimitsOfChildren(plain.Pid));
        Assert.Equal(["5"], SpinLimitsOfChildren(tuned.Pid));
    }

    private const string SpinLimit = "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit";

    /// <summary>The spin-limit variable of each child process of <paramref name="pid"/> (null: not set), from /proc.</summary>
    private static List<string?> SpinLimitsOfChildren(int pid)
    {
        var found = new List<string?>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) != pid) continue;
                var variables = File.ReadAllText(Path.Combine(dir, "environ")).Split('\0');
                found.Add(variables.FirstOrDefault(v => v.StartsWith(SpinLimit + "=", StringComparison.Ordinal))?[(SpinLimit.Length + 1)..]);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }

        return found;
    }
}
