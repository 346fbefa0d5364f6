using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Observability;

/// <summary>
/// <c>runtime.observability</c> against a real OTLP/HTTP receiver: the YAML's <c>sampling_ratio</c> decides for a
/// request without a caller's trace (a sampled caller's <c>traceparent</c> is followed), and the standard
/// <c>OTEL_*</c> variables win over every YAML key (endpoint, protocol, service name, sampling ratio) in the real
/// executable.
/// </summary>
/// <remarks>
/// Runs beside the other tests' tracing hosts: each host samples and exports its own spans only (see
/// <see cref="PerHostTracingTests"/>), so nothing another host does reaches this test's receivers.
/// </remarks>
public sealed class OtlpSettingsTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string TraceIdOf(HttpResponseMessage response) =>
        response.Headers.GetValues("traceparent").Single().Split('-')[1];

    [Fact]
    public async Task RequestsWithoutTraceparent_OverHttpWebSocketAndGraphQL_AreExportedAsRootsOfNewTraces()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var server = await PortwayTestServer.StartAsync($$"""
            runtime:
              observability: { service_name: root-test, otlp_endpoint: "{{receiver.BaseAddress.GetLeftPart(UriPartial.Authority)}}", otlp_protocol: http/protobuf }
              web:
                drain_timeout_ms: 500
                interfaces:
                  - kind: http
                    endpoints:
                      - { route: "POST /v1/echo", pipeline: echo }
                  - kind: websocket
                    endpoints:
                      - { route: /v1/ws-roots, operations: { echo: echo } }
                  - kind: graphql
                    path: /graphql
                    types: { Echo: { x: Int } }
                    query: { echo: { pipeline: echo, args: { x: Int }, returns: Echo } }
            pipelines:
              echo: { stages: [ { name: echo, node: sys.echo } ] }
            """);
        string traceId, spanId, graphqlTrace;
        try
        {
            using (var echo = await server.Client.PostAsync("/v1/echo", Json("{\"a\":1}")))
            {
                Assert.Equal(HttpStatusCode.OK, echo.StatusCode);
                traceId = TraceIdOf(echo);
                spanId = echo.Headers.GetValues("traceparent").Single().Split('-')[2];
            }

            using (var graphql = await server.Client.PostAsync("/graphql", Json("{\"query\":\"{ echo(x: 1) { x } }\"}")))
            {
                Assert.Equal(HttpStatusCode.OK, graphql.StatusCode);
                graphqlTrace = TraceIdOf(graphql);
            }

            using var socket = new ClientWebSocket();
            using var cts = new CancellationTokenSource(Deadline);
            await socket.ConnectAsync(new Uri($"ws://{server.BaseAddress.Authority}/v1/ws-roots"), cts.Token);
            await socket.SendAsync("{\"id\":1,\"op\":\"echo\",\"payload\":{\"a\":1}}"u8.ToArray(), WebSocketMessageType.Text, true, cts.Token);
            var buffer = new byte[4096];
            var answer = await socket.ReceiveAsync(buffer, cts.Token);
            Assert.Contains("\"id\":1", Encoding.UTF8.GetString(buffer, 0, answer.Count), StringComparison.Ordinal);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);

            // Every span is awaited while the host runs: a request span that ends after the host's TracerProvider shut
            // down (a socket's answer reaches the client a moment before its span ends) would never be exported.
            await Eventually.TrueAsync(() => receiver.Trace(traceId).Count >= 2, Deadline, "the request's spans arrive (sampling_ratio 1: every new trace)");
            var root = Assert.Single(receiver.Trace(traceId), s => s.Span.Name == "portway.request POST /v1/echo");
            Assert.Equal(spanId, root.SpanId);
            Assert.True(root.Span.ParentSpanId.IsEmpty, "the request span is the trace's root, not the child of ASP.NET Core's own activity");
            Assert.Equal(root.SpanId, Assert.Single(receiver.Trace(traceId), s => s.Span.Name == "portway.stage echo/echo").ParentSpanId);

            await Eventually.TrueAsync(() => receiver.Trace(graphqlTrace).Count >= 2, Deadline, "the GraphQL request's spans arrive");
            Assert.True(Assert.Single(receiver.Trace(graphqlTrace), s => s.Span.Name.StartsWith("portway.request ", StringComparison.Ordinal)).Span.ParentSpanId.IsEmpty);
            // Only this host exports to this receiver (other tests' hosts in this process export their own spans only).
            await Eventually.TrueAsync(() => receiver.All.Any(s => s.Span.Name == "portway.request /v1/ws-roots echo"), Deadline, "the WebSocket message's request span arrives");
            var message = Assert.Single(receiver.All, s => s.Span.Name == "portway.request /v1/ws-roots echo");
            Assert.True(message.Span.ParentSpanId.IsEmpty, "a message on a socket opened without traceparent is a new trace");
            await Eventually.TrueAsync(() => receiver.Trace(message.TraceId).Count >= 2, Deadline, "the message's stage span arrives in its trace");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task YamlSamplingRatioZero_ExportsOnlyTracesWhoseCallerSampledThem()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var server = await PortwayTestServer.StartAsync($$"""
            runtime:
              observability: { service_name: sampled-test, otlp_endpoint: "{{receiver.BaseAddress.GetLeftPart(UriPartial.Authority)}}", otlp_protocol: http/protobuf, sampling_ratio: 0 }
              web:
                drain_timeout_ms: 500
                interfaces:
                  - kind: http
                    endpoints:
                      - { route: "POST /v1/echo", pipeline: echo }
            pipelines:
              echo: { stages: [ { name: echo, node: sys.echo } ] }
            """);
        string unsampled;
        var callerTrace = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        try
        {
            using (var first = await server.Client.PostAsync("/v1/echo", Json("{\"a\":1}")))
            {
                Assert.Equal(HttpStatusCode.OK, first.StatusCode);
                unsampled = TraceIdOf(first);
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/echo") { Content = Json("{\"a\":2}") };
            request.Headers.Add("traceparent", $"00-{callerTrace}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01");
            using var second = await server.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }
        finally
        {
            await server.DisposeAsync(); // flushes every ended span
        }

        await Eventually.TrueAsync(() => receiver.Trace(callerTrace).Count >= 2, Deadline, "the caller-sampled trace's request and stage spans arrive");
        Assert.All(receiver.Trace(callerTrace), s => Assert.Equal("sampled-test", s.Resource["service.name"]));
        Assert.NotEqual(callerTrace, unsampled);
        Assert.Empty(receiver.Trace(unsampled)); // exported in the same flush if it had been sampled
    }

    [Fact]
    public async Task OtelVariables_WinOverEveryYamlKey_InTheRealExecutable()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var folder = Directory.CreateTempSubdirectory("portway-otel-env-").FullName;
        try
        {
            // The YAML names a port nobody listens on, grpc, another service name and samples nothing: spans reach
            // the receiver, over http/protobuf, named from-env, only if every variable wins.
            var config = Path.Combine(folder, "portway.yaml");
            await File.WriteAllTextAsync(config, $$"""
                runtime:
                  observability: { service_name: from-yaml, otlp_endpoint: "http://127.0.0.1:{{UnusedPort()}}", otlp_protocol: grpc, sampling_ratio: 0 }
                  platform: { data_dir: "{{Path.Combine(folder, "data")}}" }
                  web:
                    drain_timeout_ms: 500
                    interfaces:
                      - kind: http
                        endpoints:
                          - { route: "POST /v1/echo", pipeline: echo }
                pipelines:
                  echo: { stages: [ { name: echo, node: sys.echo } ] }
                """);
            var environment = new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.BaseAddress.GetLeftPart(UriPartial.Authority),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_SERVICE_NAME"] = "from-env",
                ["OTEL_TRACES_SAMPLER_ARG"] = "1",
            };
            await using var host = await HostProcess.StartAsync(["serve", "--config", config], environment);
            using var client = new HttpClient { BaseAddress = host.BaseAddress };
            string traceId;
            using (var echo = await client.PostAsync("/v1/echo", Json("{\"a\":1}")))
            {
                Assert.Equal(HttpStatusCode.OK, echo.StatusCode);
                traceId = TraceIdOf(echo);
            }

            host.Terminate(); // a stopping host flushes its spans
            Assert.Equal(0, await host.WaitForExitAsync(Deadline));
            await Eventually.TrueAsync(() => receiver.Trace(traceId).Count >= 2, Deadline, $"the request's spans arrive at the variable's endpoint\n{host.Output}");
            Assert.Empty(receiver.Refused);
            Assert.All(receiver.Trace(traceId), s => Assert.Equal("from-env", s.Resource["service.name"]));
            Assert.Contains(receiver.Trace(traceId), s => s.Span.Name == "portway.request POST /v1/echo");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
