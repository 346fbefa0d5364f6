using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Portway.Internal.Correlation;
using Portway.Internal.Routing;
using Portway.Internal.Security;
using Portway.Testing;
using Portway.Transport;

namespace Portway.Framework.Tests.Transport;

/// <summary>The public seam a driven adapter uses to carry a process group's hops: <see cref="IStageTransportFactory"/>.</summary>
public sealed class StageTransportFactoryTests
{
    private const string Yaml = """
        runtime:
          platform:
            execution_ipc: { transport: redis }
            process_groups: [{ name: far, stages: [work] }]
        pipelines:
          p:
            stages:
              - { name: work, node: sys.echo }
        """;

    private sealed class RecordingFactory : IStageTransportFactory
    {
        public List<StageTransportContext> Contexts { get; } = [];

        public List<Envelope> Hops { get; } = [];

        public string Transport => "redis";

        public IStageTransport Create(StageTransportContext context)
        {
            Contexts.Add(context);
            return new Answering(this);
        }

        private sealed class Answering(RecordingFactory owner) : IStageTransport
        {
            public ValueTask<Envelope> SendAsync(Envelope request, CancellationToken cancellationToken)
            {
                owner.Hops.Add(request);
                return ValueTask.FromResult(request.CreateAnswer(EnvelopeKind.Reply, Encoding.UTF8.GetBytes("\"from far\"")));
            }
        }
    }

    [Fact]
    public async Task GroupOnRedis_HopsGoThroughTheRegisteredFactorysTransport()
    {
        var factory = new RecordingFactory();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(IpcSecret.CreateRandom());
        services.AddSingleton<IStageTransportFactory>(factory);
        services.AddPortway(TestConfig.Load(Yaml));
        using var provider = services.BuildServiceProvider();
        var router = provider.GetRequiredService<PipelineRouter>();

        var request = Envelope.CreateRequest("p", EnvelopeIds.NewTraceId(), "r1", "", "", Encoding.UTF8.GetBytes("{}"));
        request.ReplyTo = "x/1";
        request.Headers[StageHop.DeadlineHeader] = "1790000000000";
        var answer = await router.RunAsync(request, "test", CancellationToken.None);

        Assert.Equal(EnvelopeKind.Reply, answer.Kind);
        Assert.Equal("\"from far\"", Encoding.UTF8.GetString(answer.Payload.Span));
        var context = Assert.Single(factory.Contexts);
        Assert.Equal("far", context.Group.Name);
        Assert.Equal(provider.GetRequiredService<WaiterRegistry>().InstanceId, context.InstanceId);
        var hop = Assert.Single(factory.Hops);
        Assert.Equal("sys.echo", hop.Headers[StageHop.NodeHeader]);
        Assert.Equal(1790000000000, StageHop.Deadline(hop));
    }

    [Fact]
    public async Task GroupOnRedis_NoFactory_AnswersUnavailable()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(IpcSecret.CreateRandom());
        services.AddPortway(TestConfig.Load(Yaml));
        using var provider = services.BuildServiceProvider();

        var request = Envelope.CreateRequest("p", EnvelopeIds.NewTraceId(), "r1", "", "", Encoding.UTF8.GetBytes("{}"));
        var answer = await provider.GetRequiredService<PipelineRouter>().RunAsync(request, "test", CancellationToken.None);

        Assert.Equal(EnvelopeKind.Error, answer.Kind);
        Assert.Equal(ErrorCode.Unavailable, PortwayError.FromPayload(answer.Payload.Span).Code);
    }

    [Fact]
    public void StageRunner_IsRegisteredPublicly()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddPortway(TestConfig.Load("pipelines: { p: { stages: [{ name: a, node: sys.echo }] } }"));
        using var provider = services.BuildServiceProvider();

        Assert.IsType<StageExecutor>(provider.GetRequiredService<IStageRunner>());
    }
}
