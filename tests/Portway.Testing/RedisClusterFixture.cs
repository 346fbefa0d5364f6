using StackExchange.Redis;

namespace Portway.Testing;

/// <summary>
/// A real <c>redis-server</c> in cluster mode (<c>--cluster-enabled yes</c>), one node owning all 16,384 slots, as a
/// <see cref="RedisServerFixture"/> otherwise is (installed if missing, free port, persistence off). It enforces what
/// a cluster of many nodes does for a command or script: the keys it names must hash to one slot (<c>CROSSSLOT</c>
/// otherwise), so code that runs here keeps its multi-key scripts within a slot.
/// </summary>
public sealed class RedisClusterFixture : RedisServerFixture
{
    protected override IEnumerable<string> ExtraArguments => ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000"];

    protected override async Task OnReadyAsync()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},allowAdmin=true,abortConnect=false");
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        try
        {
            await server.ExecuteAsync("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
        }
        catch (RedisServerException ex) when (ex.Message.Contains("busy", StringComparison.OrdinalIgnoreCase))
        {
            // Restarted with its nodes.conf: it owns the slots already.
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string info;
        while (!(info = (string?)await server.ExecuteAsync("CLUSTER", "INFO") ?? "").Contains("cluster_state:ok", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"redis-server on {ConnectionString} did not reach cluster_state:ok:\n{info}\n{Output}");
            await Task.Delay(50);
        }
    }
}
