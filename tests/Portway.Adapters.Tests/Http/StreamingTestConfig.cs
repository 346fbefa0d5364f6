using Microsoft.Extensions.DependencyInjection;
using Portway.Observability;
using Portway.Testing;

namespace Portway.Adapters.Tests.Http;

internal static class StreamingTestConfig
{
    public const string Yaml = """
        runtime:
          web:
            interfaces:
              - kind: http
                endpoints:
                  - { route: "POST /v1/echo", pipeline: echo }
                  - { route: "POST /v1/ticks", pipeline: ticks, timeout_ms: 10000 }
                  - { route: "GET /v1/ticks/{count}", pipeline: ticks }
                  - { route: "POST /v1/stream-fail", pipeline: stream_fail }
                  - { route: "POST /v1/stream-slow", pipeline: ticks, timeout_ms: 2000 }
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
          ticks: { stages: [ { name: ticks, node: sys.ticks } ] }
          stream_fail: { stages: [ { name: produce, node: test.stream_fail } ] }
        """;

    public static async Task<(PortwayTestServer Server, RecordingEventSink Events)> StartAsync(string? yaml = null)
    {
        var sink = new RecordingEventSink();
        var config = TestConfig.Load(yaml ?? Yaml, "test.stream_fail");
        var server = await PortwayTestServer.StartAsync(config, services =>
        {
            services.AddSingleton<IBoundaryEventSink>(sink);
            services.AddSingleton(new Portway.Nodes.NodeRegistration("test.stream_fail", typeof(FailingStreamNode)));
        });
        return (server, sink);
    }
}
