using Microsoft.Extensions.DependencyInjection;
using Portway.Adapters.Tests.Http;
using Portway.Adapters.Tests.Policies;
using Portway.Policies;
using Portway.Testing;

namespace Portway.Adapters.Tests.Redis;

/// <summary>
/// Two hosts of one config on one real redis-server, sharing one clock, one node-run counter and one JWT key file
/// (<c>{DIR}</c> in the YAML is its folder), each started only once its shared policy store is connected: the set-up of
/// the tests of what hosts share through Redis (rate limits, the response cache and its clear).
/// </summary>
internal sealed class SharedRedisHosts : IAsyncDisposable
{
    private readonly string _dir;

    private SharedRedisHosts(string dir, PortwayTestServer one, PortwayTestServer two)
    {
        _dir = dir;
        One = one;
        Two = two;
    }

    public PortwayTestServer One { get; }

    public PortwayTestServer Two { get; }

    /// <summary>Starts both hosts of <paramref name="yaml"/> (the test nodes <c>test.identity</c> and <c>test.gate</c> registered).</summary>
    public static async Task<SharedRedisHosts> StartAsync(string yaml, TimeProvider time, NodeRuns runs)
    {
        var dir = Directory.CreateTempSubdirectory("portway-shared-hosts-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "jwt.key"), TestTokens.Secret);
        yaml = yaml.Replace("{DIR}", dir, StringComparison.Ordinal);
        var one = await StartHostAsync(yaml, time, runs);
        var two = await StartHostAsync(yaml, time, runs);
        foreach (var host in new[] { one, two })
        {
            var store = host.Services.GetRequiredService<IRateLimitStore>();
            await Eventually.TrueAsync(() => store.IsAvailable, TimeSpan.FromSeconds(30), "the host's shared policy store is connected");
        }

        return new SharedRedisHosts(dir, one, two);
    }

    private static Task<PortwayTestServer> StartHostAsync(string yaml, TimeProvider time, NodeRuns runs) => PortwayTestServer.StartAsync(yaml, services =>
    {
        services.AddSingleton(runs);
        services.AddSingleton(new Gate());
        services.AddSingleton(time);
        services.AddSingleton(new Portway.Nodes.NodeRegistration("test.identity", typeof(IdentityNode)));
        services.AddSingleton(new Portway.Nodes.NodeRegistration("test.gate", typeof(GateNode)));
    }, "test.identity", "test.gate");

    public async ValueTask DisposeAsync()
    {
        await One.DisposeAsync();
        await Two.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
