using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portway.Adapters.Tests.Http;
using Portway.Testing;

namespace Portway.Adapters.Tests.Policies;

/// <summary>A real host with policies: the jwt block given (or an HS256 secret file), test nodes, and optionally a fake clock.</summary>
internal sealed class PolicyTestHost : IAsyncDisposable
{
    private readonly string _dir;

    private PolicyTestHost(PortwayTestServer server, NodeRuns runs, string dir, Gate gate)
    {
        Server = server;
        Runs = runs;
        _dir = dir;
        Gate = gate;
    }

    public PortwayTestServer Server { get; }

    public HttpClient Client => Server.Client;

    public NodeRuns Runs { get; }

    public Gate Gate { get; }

    /// <summary>Writes the secret (and any extra files) to a temp folder; <c>{DIR}</c> in the yaml names that folder.</summary>
    public static async Task<PolicyTestHost> StartAsync(string yaml, FakeTimeProvider? time = null, IReadOnlyDictionary<string, string>? files = null)
    {
        var dir = Directory.CreateTempSubdirectory("portway-policy-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "jwt.key"), TestTokens.Secret);
        foreach (var (name, text) in files ?? new Dictionary<string, string>()) await File.WriteAllTextAsync(Path.Combine(dir, name), text);
        var runs = new NodeRuns();
        var gate = new Gate();
        var server = await PortwayTestServer.StartAsync(yaml.Replace("{DIR}", dir, StringComparison.Ordinal), services =>
        {
            services.AddSingleton(runs);
            services.AddSingleton(gate);
            services.AddSingleton(new Portway.Nodes.NodeRegistration("test.identity", typeof(IdentityNode)));
            services.AddSingleton(new Portway.Nodes.NodeRegistration("test.gate", typeof(GateNode)));
            if (time is not null) services.AddSingleton<TimeProvider>(time);
        }, "test.identity", "test.gate");
        return new PolicyTestHost(server, runs, dir, gate);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
