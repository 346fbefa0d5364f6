using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Trace;
using Portway.Nodes;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Observability;

/// <summary>
/// A timer's runs follow the host's sampler (<c>sampling_ratio</c>) like a request that came without a
/// <c>traceparent</c>: each run is the root of its own trace (<c>portway.timer SCHEDULE</c>, its stages under it),
/// exported to a real OTLP/HTTP receiver when sampled, and not at all when not. The clock is a fake one.
/// </summary>
public sealed class TimerTracingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static string Yaml(OtlpReceiver receiver, double samplingRatio) => $$"""
        runtime:
          observability: { service_name: timer-trace-test, otlp_endpoint: "{{receiver.BaseAddress.GetLeftPart(UriPartial.Authority)}}", otlp_protocol: http/protobuf, sampling_ratio: {{samplingRatio.ToString(CultureInfo.InvariantCulture)}} }
          web:
            drain_timeout_ms: 500
            interfaces:
              - kind: timer
                schedules:
                  - { name: tick, pipeline: tick, every_ms: 1000 }
              - kind: http
                endpoints:
                  - { route: "POST /v1/echo", pipeline: echo }
        pipelines:
          tick: { stages: [ { name: tick, node: test.tick } ] }
          echo: { stages: [ { name: echo, node: sys.echo } ] }
        """;

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.0)]
    public async Task TimerRuns_FollowTheHostsSampler(double samplingRatio)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var node = new TickNode();
        var server = await PortwayTestServer.StartAsync(Yaml(receiver, samplingRatio), services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton(new NodeRegistration("test.tick", typeof(TickNode)));
            services.AddSingleton(node);
        }, "test.tick");
        try
        {
            // Two runs: runs never overlap, so when the second starts, the first one's span has ended.
            var runs = new List<string>();
            using (var cts = new CancellationTokenSource(Deadline))
            {
                while (runs.Count < 2)
                {
                    // The schedule's timer is made on the host's thread: step the clock until a run comes.
                    clock.Advance(TimeSpan.FromSeconds(1));
                    var ran = node.Runs.Reader.WaitToReadAsync(cts.Token).AsTask();
                    await Task.WhenAny(ran, Task.Delay(100, cts.Token));
                    Assert.False(cts.IsCancellationRequested, $"the timer ran {runs.Count} times in {Deadline}");
                    while (node.Runs.Reader.TryRead(out var run)) runs.Add(run);
                }
            }

            var traceparent = runs[0].Split('-');
            var trace = traceparent[1];
            var provider = server.Services.GetRequiredService<TracerProvider>();
            if (samplingRatio == 1)
            {
                Assert.Equal("01", traceparent[3]); // the stage's node sees a sampled trace
                Assert.True(provider.ForceFlush(30_000), "flushed");
                await Eventually.TrueAsync(() => receiver.Trace(trace).Count >= 2, Deadline, "the run's timer and stage spans arrive");
                var spans = receiver.Trace(trace);
                var root = Assert.Single(spans, s => s.Span.Name == "portway.timer tick");
                Assert.True(root.Span.ParentSpanId.IsEmpty, "a timer's run is the root of its own trace");
                Assert.Equal("tick", root.Attribute("portway.pipeline"));
                Assert.Equal(root.SpanId, Assert.Single(spans, s => s.Span.Name == "portway.stage tick/tick").ParentSpanId);
                return;
            }

            Assert.Equal("00", traceparent[3]); // not sampled: the stage's hop says so to anything downstream

            // The positive control: a caller-sampled request's spans, flushed after the run's span ended, arrive.
            var control = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/echo") { Content = new StringContent("{}", Encoding.UTF8, "application/json") })
            {
                request.Headers.Add("traceparent", $"00-{control}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01");
                using var response = await server.Client.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            await Eventually.TrueAsync(() => receiver.Trace(control).Count >= 2, Deadline, "the caller-sampled request's spans arrive");
            Assert.True(provider.ForceFlush(30_000), "flushed");
            Assert.Empty(receiver.Trace(trace));
            Assert.DoesNotContain(receiver.All, s => s.Span.Name is "portway.timer tick" or "portway.stage tick/tick");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>Records the <c>traceparent</c> its stage was called with, one per run.</summary>
    internal sealed class TickNode : INode
    {
        public Channel<string> Runs { get; } = Channel.CreateUnbounded<string>();

        public ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken)
        {
            Runs.Writer.TryWrite(context.TraceParent);
            return ValueTask.FromResult(NodeResult.Success("{}"u8.ToArray()));
        }
    }
}
