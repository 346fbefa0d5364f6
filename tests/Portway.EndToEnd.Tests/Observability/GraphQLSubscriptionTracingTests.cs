using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Observability;

/// <summary>
/// A GraphQL subscription's span (<c>portway.subscribe</c>) follows its connection's sampling decision, exported to a
/// real OTLP/HTTP receiver: a socket opened with an unsampled <c>traceparent</c> exports nothing of its operations,
/// even on a host that samples every new trace; one opened with a sampled one exports them.
/// </summary>
public sealed class GraphQLSubscriptionTracingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static string Yaml(OtlpReceiver receiver) => $$"""
        runtime:
          observability: { service_name: subscribe-trace-test, otlp_endpoint: "{{receiver.BaseAddress.GetLeftPart(UriPartial.Authority)}}", otlp_protocol: http/protobuf, sampling_ratio: 1 }
          web:
            drain_timeout_ms: 500
            interfaces:
              - kind: graphql
                path: /graphql
                types: { Tick: { n: Int! } }
                query: { echo: { pipeline: echo, args: { x: Int }, returns: Tick } }
                subscription: { ticks: { pipeline: ticks, args: { count: Int! }, returns: Tick } }
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
          ticks: { stages: [ { name: ticks, node: sys.ticks } ] }
        """;

    private static async Task SubscribeOnceAsync(Uri server, string traceId, string flags)
    {
        await using var client = await GraphQLWsClient.ConnectAndInitAsync(server,
            new Dictionary<string, string> { ["traceparent"] = $"00-{traceId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-{flags}" });
        await client.SubscribeAsync("s", "subscription { ticks(count: 1) { n } }");
        Assert.Equal("next", TypeOf(await client.ReceiveAsync()));
        Assert.Equal("complete", TypeOf(await client.ReceiveAsync()));
    }

    private static string? TypeOf(JsonElement message) => message.GetProperty("type").GetString();

    [Fact]
    public async Task Subscription_OnAnUnsampledConnection_IsNotExported_OnASampledOneItIs()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var server = await PortwayTestServer.StartAsync(Yaml(receiver));
        try
        {
            var unsampled = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var sampled = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            await SubscribeOnceAsync(server.BaseAddress, unsampled, "00");
            await SubscribeOnceAsync(server.BaseAddress, sampled, "01");

            await Eventually.TrueAsync(() => receiver.Trace(sampled).Any(s => s.Span.Name == "portway.subscribe /graphql"), Deadline,
                "the sampled connection's subscribe span arrives");
            var subscribe = Assert.Single(receiver.Trace(sampled), s => s.Span.Name == "portway.subscribe /graphql");
            await Eventually.TrueAsync(() => receiver.Trace(sampled).Any(s => s.ParentSpanId == subscribe.SpanId), Deadline,
                "the subscription's stage span arrives under it");

            // The unsampled connection's operation ended before the sampled one began; flushed, nothing of it was sent.
            Assert.True(server.Services.GetRequiredService<TracerProvider>().ForceFlush(30_000), "flushed");
            Assert.Empty(receiver.Trace(unsampled));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
