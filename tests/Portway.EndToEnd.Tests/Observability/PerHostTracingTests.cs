using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Portway.Observability;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Observability;

/// <summary>
/// Two hosts in one process (two real hosts on loopback, as an embedding application or this test process has), each
/// exporting over OTLP/HTTP to its own real receiver: the process-wide <c>Portway</c> activity source is shared, yet
/// each host samples and exports only the spans it started. Not in any collection: it must hold beside the other
/// tests' tracing hosts too.
/// </summary>
public sealed class PerHostTracingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static string Yaml(OtlpReceiver receiver, string service, double samplingRatio) => $$"""
        runtime:
          observability: { service_name: {{service}}, otlp_endpoint: "{{receiver.BaseAddress.GetLeftPart(UriPartial.Authority)}}", otlp_protocol: http/protobuf, sampling_ratio: {{samplingRatio.ToString(CultureInfo.InvariantCulture)}} }
          web:
            drain_timeout_ms: 500
            interfaces:
              - kind: http
                endpoints:
                  - { route: "POST /v1/echo", pipeline: echo }
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
        """;

    private static string TraceIdOf(HttpResponseMessage response) => response.Headers.GetValues("traceparent").Single().Split('-')[1];

    private static string InstanceOf(PortwayTestServer server) => server.Services.GetRequiredService<PortwayTracer>().InstanceId;

    private static void Flush(PortwayTestServer server) =>
        Assert.True(server.Services.GetRequiredService<TracerProvider>().ForceFlush(30_000), "the host's tracer provider flushed every ended span");

    private static async Task<HttpResponseMessage> EchoAsync(PortwayTestServer server, string? traceparent = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/echo") { Content = new StringContent("{\"a\":1}", Encoding.UTF8, "application/json") };
        if (traceparent is not null) request.Headers.Add("traceparent", traceparent);
        var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    private static string SampledTraceparent(out string traceId)
    {
        traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return $"00-{traceId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01";
    }

    [Fact]
    public async Task TwoHostsInOneProcess_EachReceiverGetsOnlyItsOwnHostsSpans()
    {
        await using var receiverA = await OtlpReceiver.StartAsync();
        await using var receiverB = await OtlpReceiver.StartAsync();
        var a = await PortwayTestServer.StartAsync(Yaml(receiverA, "host-a", 1));
        var b = await PortwayTestServer.StartAsync(Yaml(receiverB, "host-b", 1));
        try
        {
            Assert.NotEqual(InstanceOf(a), InstanceOf(b));
            string traceA, traceB;
            using (var response = await EchoAsync(a)) traceA = TraceIdOf(response);
            using (var response = await EchoAsync(b)) traceB = TraceIdOf(response);

            await Eventually.TrueAsync(() => receiverA.Trace(traceA).Count >= 2, Deadline, "host A's request and stage spans reach A's receiver");
            await Eventually.TrueAsync(() => receiverB.Trace(traceB).Count >= 2, Deadline, "host B's request and stage spans reach B's receiver");

            // Both requests' spans have ended (they were exported); flushed, each provider has sent all it ever would of them.
            Flush(a);
            Flush(b);
            Assert.Empty(receiverA.Trace(traceB));
            Assert.Empty(receiverB.Trace(traceA));
            Assert.All(receiverA.All, s => Assert.Equal((InstanceOf(a), "host-a"), (s.Attribute(PortwayTracer.InstanceTag), s.Resource["service.name"])));
            Assert.All(receiverB.All, s => Assert.Equal((InstanceOf(b), "host-b"), (s.Attribute(PortwayTracer.InstanceTag), s.Resource["service.name"])));
            Assert.Empty(receiverA.Refused);
            Assert.Empty(receiverB.Refused);
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }

    /// <summary>
    /// Host A samples every trace, host B none of its own (<c>sampling_ratio: 0</c>, parent-based): B's request is not
    /// recorded (its answer's <c>traceparent</c> says so) and nobody exports it; a caller-sampled request to B, sent
    /// after it, reaches B's receiver (the positive control: B's export works and has flushed).
    /// </summary>
    [Fact]
    public async Task OneHostSamplingEverything_DoesNotMakeTheOtherHostsRequestsRecordedOrExported()
    {
        await using var receiverA = await OtlpReceiver.StartAsync();
        await using var receiverB = await OtlpReceiver.StartAsync();
        var a = await PortwayTestServer.StartAsync(Yaml(receiverA, "host-a", 1));
        var b = await PortwayTestServer.StartAsync(Yaml(receiverB, "host-b", 0));
        try
        {
            string unsampledB, traceA;
            using (var response = await EchoAsync(b))
            {
                Assert.EndsWith("-00", response.Headers.GetValues("traceparent").Single(), StringComparison.Ordinal);
                unsampledB = TraceIdOf(response);
            }

            using (var response = await EchoAsync(a))
            {
                Assert.EndsWith("-01", response.Headers.GetValues("traceparent").Single(), StringComparison.Ordinal);
                traceA = TraceIdOf(response);
            }

            using (await EchoAsync(b, SampledTraceparent(out var controlB)))
            {
                await Eventually.TrueAsync(() => receiverB.Trace(controlB).Count >= 2, Deadline, "the caller-sampled request's spans reach B's receiver");
                await Eventually.TrueAsync(() => receiverA.Trace(traceA).Count >= 2, Deadline, "host A's spans reach A's receiver");

                // Every request's spans have ended by now; flushed, each provider has sent all it ever would of them.
                Flush(b);
                Flush(a);
                Assert.Empty(receiverB.Trace(unsampledB));
                Assert.Empty(receiverA.Trace(unsampledB));
                Assert.Empty(receiverA.Trace(controlB));
                Assert.Empty(receiverB.Trace(traceA));
                Assert.All(receiverA.All, s => Assert.Equal(InstanceOf(a), s.Attribute(PortwayTracer.InstanceTag)));
                Assert.All(receiverB.All, s => Assert.Equal(InstanceOf(b), s.Attribute(PortwayTracer.InstanceTag)));
            }
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }
}
