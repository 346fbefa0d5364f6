using System.Net.Http.Json;
using System.Text.Json;
using Portway.Testing;
using StackExchange.Redis;

namespace Portway.EndToEnd.Tests.Redis;

/// <summary>
/// Real processes over one real redis-server: hosts (<c>serve --config</c>) and standalone workers
/// (<c>worker --group cpu_sync --config</c>) of <c>config/redis.yaml</c> (or a variant of it), all with the same
/// <c>PORTWAY_REDIS</c> and <c>PORTWAY_IPC_SECRET</c>; a test-side connection to look at Redis itself.
/// </summary>
internal sealed class RedisDeployment : IAsyncDisposable
{
    public const string Secret = "end-to-end-redis-secret-0123456789abcdef";

    /// <summary>The HS256 secret every host shares (<c>PORTWAY_JWT_SECRET</c>), so a token one host issues is valid on all.</summary>
    public const string JwtSecret = "end-to-end-redis-jwt-secret-0123456789abcdef";
    private readonly List<HostProcess> _processes = [];
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "portway-redis-data-" + Guid.NewGuid().ToString("N"));
    private readonly string _tempConfig;

    /// <summary>config/redis.yaml with its own <c>key_prefix</c> (tests share the redis-server), edited by <paramref name="editConfig"/>.</summary>
    public RedisDeployment(RedisServerFixture redis, Func<string, string>? editConfig = null)
    {
        Redis = redis;
        Prefix = "e2e" + Guid.NewGuid().ToString("N")[..10];
        var yaml = File.ReadAllText(RepoPaths.Config("redis.yaml"));
        Assert.Contains("key_prefix: portway\n", yaml, StringComparison.Ordinal);
        yaml = yaml.Replace("key_prefix: portway\n", $"key_prefix: {Prefix}\n", StringComparison.Ordinal);
        _tempConfig = Path.Combine(Path.GetTempPath(), $"portway-redis-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(_tempConfig, editConfig is null ? yaml : editConfig(yaml));
        ConfigPath = _tempConfig;
    }

    /// <summary>This deployment's key_prefix.</summary>
    public string Prefix { get; }

    /// <summary>The transport's keys: under the deployment's hash tag <c>{prefix:ipc}</c> (braces included, for Redis Cluster).</summary>
    public string TransportRoot => $"{{{Prefix}:ipc}}";

    public string HopStream => $"{TransportRoot}:hops:cpu_sync";

    public string ReplyPattern => $"{TransportRoot}:replies:*";

    public RedisServerFixture Redis { get; }

    public string ConfigPath { get; }

    public Dictionary<string, string> Environment => new()
    {
        ["PORTWAY_REDIS"] = Redis.ConnectionString,
        ["PORTWAY_IPC_SECRET"] = Secret,
        ["PORTWAY_JWT_SECRET"] = JwtSecret,
        ["PORTWAY_DATA_DIR"] = _dataDir,
    };

    public async Task<HostProcess> StartHostAsync()
    {
        var host = await HostProcess.StartAsync(["serve", "--config", ConfigPath], Environment);
        lock (_processes) _processes.Add(host);
        return host;
    }

    /// <summary>Starts a standalone worker and waits until it has announced itself in Redis.</summary>
    public async Task<HostProcess> StartWorkerAsync(string workerId)
    {
        var worker = await HostProcess.StartAsync(["worker", "--group", "cpu_sync", "--config", ConfigPath, "--worker-id", workerId], Environment, waitForListening: false);
        lock (_processes) _processes.Add(worker);
        await using var redis = await ConnectAsync();
        await Until(async () => await redis.GetDatabase().SortedSetScoreAsync($"{TransportRoot}:workers:cpu_sync", workerId) is not null || worker.HasExited,
            $"worker {workerId} announces itself");
        Assert.False(worker.HasExited, "the worker exited:\n" + worker.Output);
        return worker;
    }

    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString + ",abortConnect=false");

    public static HttpClient Client(HostProcess host) => new() { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Waits until the host answers a hop on the redis group (it sees a live worker).</summary>
    public static async Task WaitServingAsync(HostProcess host)
    {
        using var client = Client(host);
        await Until(async () =>
        {
            using var response = await client.PostAsJsonAsync("/v1/remote/echo", new { probe = true });
            return response.IsSuccessStatusCode;
        }, "the host reaches a worker of cpu_sync");
    }

    public static async Task<int> PendingAsync(HostProcess host)
    {
        using var client = Client(host);
        using var stats = JsonDocument.Parse(await client.GetStringAsync("/stats"));
        return stats.RootElement.GetProperty("pending_waiters").GetInt32();
    }

    public static async Task Until(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (!await condition())
        {
            try
            {
                await Task.Delay(50, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"not true within {seconds} s: {what}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes) await process.DisposeAsync();
        File.Delete(_tempConfig);
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
