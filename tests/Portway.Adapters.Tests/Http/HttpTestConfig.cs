using Microsoft.Extensions.DependencyInjection;
using Portway.Observability;
using Portway.Testing;

namespace Portway.Adapters.Tests.Http;

internal static class HttpTestConfig
{
    public const string Yaml = """
        runtime:
          web:
            drain_timeout_ms: 2000
            interfaces:
              - kind: http
                binds: [request, response]
                endpoints:
                  - { route: "POST /v1/echo", pipeline: echo, max_body_bytes: 1024 }
                  - { route: "PUT /v1/echo", pipeline: echo }
                  - { route: "POST /v1/delay", pipeline: delay, timeout_ms: 200 }
                  - { route: "POST /v1/slow", pipeline: delay, timeout_ms: 10000 }
                  - { route: "POST /v1/fail", pipeline: fail }
                  - { route: "POST /v1/gate", pipeline: gate }
                  - { route: "POST /v1/tenants/{tenant}/things/{thing}", pipeline: context }
                  - { route: "GET /v1/tenants/{tenant}/things/{thing}", pipeline: context }
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
          delay: { stages: [ { name: wait, node: sys.delay } ] }
          fail: { stages: [ { name: fail, node: sys.fail } ] }
          context: { stages: [ { name: look, node: test.context } ] }
          gate: { stages: [ { name: wait, node: test.gate } ] }
        """;

    public static async Task<(PortwayTestServer Server, RecordingEventSink Events)> StartAsync(string? yaml = null)
    {
        var sink = new RecordingEventSink();
        var server = await PortwayTestServer.StartAsync(yaml ?? Yaml, services =>
        {
            services.AddSingleton<IBoundaryEventSink>(sink);
            services.AddSingleton(new Portway.Nodes.NodeRegistration("test.context", typeof(ContextNode)));
            services.AddSingleton(new Portway.Nodes.NodeRegistration("test.gate", typeof(GateNode)));
            services.AddSingleton<Gate>();
        }, "test.context", "test.gate");
        return (server, sink);
    }
}
