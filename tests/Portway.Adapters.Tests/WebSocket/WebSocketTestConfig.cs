using Portway.Adapters.Tests.Http;
using Portway.Testing;

namespace Portway.Adapters.Tests.WebSocket;

internal static class WebSocketTestConfig
{
    public const string Yaml = """
        runtime:
          web:
            drain_timeout_ms: 2000
            interfaces:
              - kind: http
                endpoints:
                  - { route: "POST /v1/echo", pipeline: echo }
              - kind: websocket
                binds: [request, response, stream]
                endpoints:
                  - route: /v1/ws
                    operations: { echo: echo, delay: delay, fail: fail, gate: gate, context: context }
                    max_message_bytes: 1024
                    timeout_ms: 10000
                  - route: /v1/ws-default
                    pipeline: echo
                  - route: /v1/ws-slow
                    operations: { echo: echo }
                    max_message_bytes: 1048576
                    send_queue_limit: 4
                    timeout_ms: 1000
                  - route: /v1/ws-idle
                    operations: { echo: echo, gate: gate }
                    idle_timeout_ms: 300
                  - route: /v1/ws-ping
                    operations: { echo: echo }
                    ping_interval_ms: 200
                  - route: /v1/ws-deadline
                    operations: { delay: delay }
                    timeout_ms: 200
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
          delay: { stages: [ { name: wait, node: sys.delay } ] }
          fail: { stages: [ { name: fail, node: sys.fail } ] }
          gate: { stages: [ { name: wait, node: test.gate } ] }
          context: { stages: [ { name: look, node: test.context } ] }
        """;

    /// <summary>Starts the host with <paramref name="yaml"/> (default: <see cref="Yaml"/>) and the same test nodes as the HTTP tests.</summary>
    public static Task<(PortwayTestServer Server, RecordingEventSink Events)> StartAsync(string? yaml = null) =>
        HttpTestConfig.StartAsync(yaml ?? Yaml);
}
