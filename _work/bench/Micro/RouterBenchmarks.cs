using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Portway.Configuration;
using Portway.Internal.Routing;

namespace Portway.Benchmarks;

/// <summary>
/// The in-process router on its own: a one-stage <c>sys.echo</c> pipeline and bench.yaml's <c>dag3</c> (a, b in
/// parallel, join fanning in), through <see cref="PipelineRouter.RunAsync"/> and the memory transport, no ingress.
/// What the end-to-end rows <c>sys.echo/h1</c> and <c>dag3/h1</c> pay inside the framework per request.
/// </summary>
[MemoryDiagnoser]
public class RouterBenchmarks : IDisposable
{
    private static readonly byte[] Body = """{"msg":"hello","n":1}"""u8.ToArray();
    private readonly ServiceProvider _services;
    private readonly PipelineRouter _router;

    public RouterBenchmarks()
    {
        var config = new PortwayConfig();
        config.Pipelines["echo"] = new PipelineConfig { Name = "echo", Stages = [new StageConfig { Name = "echo", Node = "sys.echo" }] };
        config.Pipelines["dag3"] = new PipelineConfig
        {
            Name = "dag3",
            Stages =
            [
                new StageConfig { Name = "a", Node = "sys.echo" },
                new StageConfig { Name = "b", Node = "sys.echo" },
                new StageConfig { Name = "join", Node = "sys.echo", After = ["a", "b"] },
            ],
        };
        var services = new ServiceCollection().AddLogging();
        services.AddPortway(config);
        _services = services.BuildServiceProvider();
        _router = _services.GetRequiredService<PipelineRouter>();
    }

    [Benchmark]
    public Task<Envelope> Echo() => _router.RunAsync(Request("echo"), "http", CancellationToken.None);

    [Benchmark]
    public Task<Envelope> Dag3() => _router.RunAsync(Request("dag3"), "http", CancellationToken.None);

    public void Dispose()
    {
        _services.Dispose();
        GC.SuppressFinalize(this);
    }

    private static Envelope Request(string pipeline) =>
        Envelope.CreateRequest(pipeline, EnvelopeIds.NewTraceId(), EnvelopeIds.NewId(), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "", Body);
}
