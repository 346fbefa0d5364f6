using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portway.Adapters.Redis;
using Portway.Adapters.Redis.Internal;
using Portway.Configuration;
using Portway.Internal.Correlation;
using Portway.Internal.Security;
using Portway.Testing;
using Portway.Transport;

namespace Portway.Adapters.Tests.Redis;

/// <summary>
/// A host side (the redis transport of group <c>far</c>: stages <c>echo.echo</c>, <c>delay.delay</c> and <c>who.who</c>, which answers the caller's identity it was given) and, optionally, in-process workers of it, each with its own
/// DI container (as separate processes would have), sharing one real redis-server and one secret.
/// </summary>
internal sealed class RedisTransportHarness : IAsyncDisposable
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("redis-transport-tests-shared-secret-0123");
    private readonly List<ServiceProvider> _providers = [];
    private readonly List<IHostedService> _started = [];
    private readonly string _yaml;

    public RedisTransportHarness(RedisServerFixture redis, string prefix, int claimIdleMs = 5000, int maxLength = 10000, int drainMs = 4000)
    {
        _yaml = $$"""
            runtime:
              web: { drain_timeout_ms: {{drainMs}} }
              platform:
                redis: { connection: "{{redis.ConnectionString}}", key_prefix: {{prefix}}, claim_idle_ms: {{claimIdleMs}}, stream_max_length: {{maxLength}} }
                execution_ipc: { transport: redis }
                process_groups: [{ name: far, stages: [echo.echo, delay.delay, who.who] }]
            pipelines:
              echo: { stages: [{ name: echo, node: sys.echo }] }
              delay: { stages: [{ name: delay, node: sys.delay }] }
              who: { stages: [{ name: who, node: test.identity }] }
            """;
        var host = Build(null);
        Host = host;
        Config = host.GetRequiredService<PortwayConfig>();
        Hub = host.GetRequiredService<RedisReplyHub>();
        var factory = host.GetServices<IStageTransportFactory>().Single(f => f.Transport == "redis");
        var group = Config.Runtime.Platform.ProcessGroups.Single(g => g.Name == "far");
        Transport = factory.Create(new StageTransportContext(Config, group, host.GetRequiredService<WaiterRegistry>().InstanceId, host.GetRequiredService<EnvelopeWire>()));
        Connection = host.GetRequiredService<RedisConnection>();
    }

    public ServiceProvider Host { get; }

    public PortwayConfig Config { get; }

    public RedisReplyHub Hub { get; }

    public RedisConnection Connection { get; }

    public IStageTransport Transport { get; }

    public string Instance => Hub.Instance;

    /// <summary>Starts an in-process worker of <c>far</c> with its own container (its own connection and replay cache).</summary>
    public async Task<RedisStageWorker> StartWorkerAsync(string workerId, int concurrency = 64)
    {
        var provider = Build(b => b.AddPortwayRedisWorker("far", workerId, concurrency));
        var worker = provider.GetRequiredService<RedisStageWorker>();
        await worker.StartAsync(CancellationToken.None);
        lock (_started) _started.Add(worker);
        return worker;
    }

    /// <summary>Waits until the host sees a live worker of <c>far</c>.</summary>
    public async Task WaitLiveAsync()
    {
        await Hub.EnsureStarted(Instance, "far");
        await Eventually.TrueAsync(() => Hub.IsLive("far"), TimeSpan.FromSeconds(30), "the host sees a live worker of 'far'");
    }

    /// <summary>A stage hop as the router builds it, answering to this host's instance.</summary>
    public Envelope Hop(string route, string payload, long? deadlineUnixMs = null)
    {
        var (pipeline, stage) = (route.Split('/')[0], route.Split('/')[1]);
        var hop = new Envelope
        {
            Id = EnvelopeIds.NewId(),
            Kind = EnvelopeKind.Request,
            Route = route,
            TraceId = EnvelopeIds.NewTraceId(),
            RequestId = EnvelopeIds.NewId(),
            ReplyTo = Instance + "/1",
            Payload = Encoding.UTF8.GetBytes(payload),
            Headers = { [StageHop.PipelineHeader] = pipeline, [StageHop.StageHeader] = stage, [StageHop.NodeHeader] = stage switch { "echo" => "sys.echo", "who" => "test.identity", _ => "sys.delay" } },
        };
        if (deadlineUnixMs is { } deadline) hop.Headers[StageHop.DeadlineHeader] = deadline.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return hop;
    }

    private ServiceProvider Build(Action<IPortwayBuilder>? configure)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(new IpcSecret(Secret));
        services.AddSingleton(new Policies.NodeRuns());
        var builder = services.AddPortway(TestConfig.Load(_yaml, "test.identity")).AddPortwayRedis().AddNode<Policies.IdentityNode>("test.identity");
        configure?.Invoke(builder);
        var provider = services.BuildServiceProvider();
        lock (_providers) _providers.Add(provider);
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _started) await service.StopAsync(CancellationToken.None);
        foreach (var provider in _providers) await provider.DisposeAsync();
    }
}
