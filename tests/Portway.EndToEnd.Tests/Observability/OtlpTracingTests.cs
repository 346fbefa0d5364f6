using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Proto.Trace.V1;
using Portway.EndToEnd.Tests.Multiprocess;
using Portway.Internal.Supervision;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Observability;

/// <summary>
/// Tracing export end to end: the host (Kestrel on loopback) and its real worker child both export over OTLP/HTTP
/// (protobuf) to a real receiver, configured in YAML only; the spans of one request whose middle stage runs in the
/// child arrive as one trace with correct parent links across the process boundary.
/// </summary>
[Collection(WorkerProcesses.Collection)]
public sealed class OtlpTracingTests : IDisposable
{
    private readonly List<int> _pids = [];

    public void Dispose()
    {
        foreach (var pid in _pids) WorkerProcesses.Kill(pid);
    }

    private static string Yaml(Uri receiver, double samplingRatio = 1) => $$"""
        runtime:
          observability: { service_name: portway-otlp-test, otlp_endpoint: "{{receiver.GetLeftPart(UriPartial.Authority)}}", otlp_protocol: http/protobuf, sampling_ratio: {{samplingRatio.ToString(System.Globalization.CultureInfo.InvariantCulture)}} }
          platform:
            execution_ipc: { transport: tcp_local }
            process_groups:
              - { name: cpu, stages: [shape.score] }
          web:
            drain_timeout_ms: 2000
            interfaces:
              - kind: http
                endpoints:
                  - { route: "POST /v1/shape", pipeline: shape }
        pipelines:
          shape:
            stages:
              - { name: parse, node: sys.echo }
              - { name: score, node: sys.echo, after: [parse] }
              - { name: reply, node: sys.echo, after: [score] }
        """;

    [Fact]
    public async Task MultiprocessRequest_SpansOfHostAndWorker_ArriveAsOneTraceWithParentLinks()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var server = await PortwayTestServer.StartAsync(Yaml(receiver.BaseAddress), s => s.AddSingleton(new WorkerExecutable(Path.Combine(AppContext.BaseDirectory, "Portway.Host"), [])));
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var callerSpan = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        try
        {
            await WorkerProcesses.UntilAsync(async () => (await server.Client.GetAsync("/ready")).StatusCode == HttpStatusCode.OK, "the cpu worker is ready");
            var workerPid = server.Services.GetRequiredService<WorkerSupervisor>().Pids["cpu-1"];
            _pids.Add(workerPid);

            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/shape") { Content = new StringContent("{\"a\":1}", Encoding.UTF8, "application/json") };
            request.Headers.Add("traceparent", $"00-{traceId}-{callerSpan}-01");
            using var response = await server.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            // Stopping closes the worker's stdin: it flushes its spans as it exits, and the host flushes its own.
            await server.DisposeAsync();
        }

        string[] expected = ["portway.request POST /v1/shape", "portway.stage shape/parse", "portway.stage shape/score", "portway.worker shape/score", "portway.stage shape/reply"];
        await Eventually.TrueAsync(() => receiver.Trace(traceId).Count >= expected.Length, WorkerProcesses.Deadline,
            $"the {expected.Length} spans of trace {traceId} arrive");
        var spans = receiver.Trace(traceId);
        Assert.Empty(receiver.Refused);
        Assert.Equal(expected.Order(StringComparer.Ordinal), spans.Select(s => s.Span.Name).Order(StringComparer.Ordinal));
        var byName = spans.ToDictionary(s => s.Span.Name, StringComparer.Ordinal);

        // One tree: the request is the child of the caller's traceparent, each stage of the request, the worker's span of its stage.
        var root = byName["portway.request POST /v1/shape"];
        Assert.Equal(callerSpan, root.ParentSpanId);
        Assert.Equal(Span.Types.SpanKind.Server, root.Span.Kind);
        foreach (var stage in (string[])["parse", "score", "reply"])
        {
            var span = byName["portway.stage shape/" + stage];
            Assert.Equal(root.SpanId, span.ParentSpanId);
            Assert.Equal(Span.Types.SpanKind.Internal, span.Span.Kind);
            Assert.Equal((stage, "sys.echo", stage == "score" ? "cpu" : "web"), (span.Attribute("portway.stage"), span.Attribute("portway.node"), span.Attribute("portway.group")));
        }

        var worker = byName["portway.worker shape/score"];
        Assert.Equal(byName["portway.stage shape/score"].SpanId, worker.ParentSpanId);
        Assert.Equal(Span.Types.SpanKind.Server, worker.Span.Kind);
        Assert.Equal(("cpu", "cpu-1"), (worker.Attribute("portway.group"), worker.Attribute("portway.worker")));
        Assert.Equal(spans.Count, spans.Select(s => s.SpanId).Distinct().Count());

        // Sent by two processes, both named by the YAML: the worker's resource is another instance than the host's.
        Assert.All(spans, s => Assert.Equal("portway-otlp-test", s.Resource["service.name"]));
        Assert.NotEqual(root.Resource["service.instance.id"], worker.Resource["service.instance.id"]);
        Assert.All(spans.Where(s => s != worker), s => Assert.Equal(root.Resource["service.instance.id"], s.Resource["service.instance.id"]));
    }

    /// <summary>
    /// A trace the host does not sample (the caller's <c>traceparent</c> says not sampled, or <c>sampling_ratio: 0</c> for
    /// a request without one) is not exported by the worker either: the hop's <c>traceparent</c> carries the decision.
    /// A caller's sampled trace, sent after it, arrives whole (the same flush would carry the other's spans).
    /// </summary>
    [Theory]
    [InlineData(1.0, true)]
    [InlineData(0.0, false)]
    public async Task UnsampledTrace_NeitherHostNorWorkerExportsIt_ACallersSampledOneArrives(double samplingRatio, bool callerSaysNotSampled)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var server = await PortwayTestServer.StartAsync(Yaml(receiver.BaseAddress, samplingRatio), s => s.AddSingleton(new WorkerExecutable(Path.Combine(AppContext.BaseDirectory, "Portway.Host"), [])));
        var sampled = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        string unsampled;
        try
        {
            await WorkerProcesses.UntilAsync(async () => (await server.Client.GetAsync("/ready")).StatusCode == HttpStatusCode.OK, "the cpu worker is ready");
            _pids.Add(server.Services.GetRequiredService<WorkerSupervisor>().Pids["cpu-1"]);

            using (var first = new HttpRequestMessage(HttpMethod.Post, "/v1/shape") { Content = new StringContent("{\"a\":1}", Encoding.UTF8, "application/json") })
            {
                if (callerSaysNotSampled) first.Headers.Add("traceparent", $"00-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-00");
                using var response = await server.Client.SendAsync(first);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var traceparent = response.Headers.GetValues("traceparent").Single();
                Assert.EndsWith("-00", traceparent, StringComparison.Ordinal); // the response says: not sampled
                unsampled = traceparent.Split('-')[1];
            }

            using var second = new HttpRequestMessage(HttpMethod.Post, "/v1/shape") { Content = new StringContent("{\"a\":2}", Encoding.UTF8, "application/json") };
            second.Headers.Add("traceparent", $"00-{sampled}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01");
            using var answer = await server.Client.SendAsync(second);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }
        finally
        {
            await server.DisposeAsync(); // the worker flushes its spans as it stops, the host its own
        }

        await Eventually.TrueAsync(() => receiver.Trace(sampled).Count >= 5, WorkerProcesses.Deadline, "the sampled trace's 5 spans (host and worker) arrive");
        Assert.Contains(receiver.Trace(sampled), s => s.Span.Name == "portway.worker shape/score");
        Assert.Empty(receiver.Trace(unsampled));
    }
}
