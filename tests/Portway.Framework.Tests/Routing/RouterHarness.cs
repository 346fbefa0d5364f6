using Microsoft.Extensions.DependencyInjection;
using Portway.Configuration;
using Portway.Internal.Routing;
using Portway.Nodes;
using Portway.Testing;

namespace Portway.Framework.Tests.Routing;

/// <summary>The real router, transport, executor and nodes in a DI container, for one config.</summary>
internal sealed class RouterHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public RouterHarness(PortwayConfig config, Action<IPortwayBuilder>? nodes = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(Sink);
        services.AddSingleton<Portway.Observability.IBoundaryEventSink>(Sink);
        var builder = services.AddPortway(config);
        nodes?.Invoke(builder);
        _services = services.BuildServiceProvider();
        Router = _services.GetRequiredService<PipelineRouter>();
    }

    public RecordingEventSink Sink { get; } = new();

    public PipelineRouter Router { get; }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public static PortwayConfig Config(params (string Name, string Node, string[] After)[] stages)
    {
        var config = new PortwayConfig();
        config.Pipelines["p"] = new PipelineConfig
        {
            Name = "p",
            Stages = stages.Select(s => new StageConfig { Name = s.Name, Node = s.Node, After = [.. s.After] }).ToList(),
        };
        return config;
    }

    /// <summary>A request for pipeline <c>p</c> with <paramref name="input"/> as its payload.</summary>
    public static Envelope Request(string input) => new()
    {
        Id = "e",
        Kind = EnvelopeKind.Request,
        Route = "p",
        TraceId = EnvelopeIds.NewTraceId(),
        RequestId = EnvelopeIds.NewId(),
        ReplyTo = "i/1",
        Payload = System.Text.Encoding.UTF8.GetBytes(input),
    };

    public async Task<(EnvelopeKind Kind, string Payload)> RunAsync(string input, CancellationToken cancellationToken = default)
    {
        var answer = await Router.RunAsync(Request(input), "test", cancellationToken);
        return (answer.Kind, System.Text.Encoding.UTF8.GetString(answer.Payload.Span));
    }

    public void Dispose() => _services.Dispose();
}
