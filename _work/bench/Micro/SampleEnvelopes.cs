using Portway.Internal.Routing;

namespace Portway.Benchmarks;

/// <summary>The envelopes the benchmarks use: a stage hop as the router builds it, with a payload of the given size.</summary>
internal static class SampleEnvelopes
{
    public static Envelope Hop(int payloadBytes)
    {
        var payload = new byte[payloadBytes];
        payload.AsSpan().Fill((byte)'a');
        payload[0] = (byte)'"';
        payload[^1] = (byte)'"';
        return new Envelope
        {
            Id = EnvelopeIds.NewId(),
            Kind = EnvelopeKind.Request,
            Route = "echo/echo",
            TraceId = EnvelopeIds.NewTraceId(),
            RequestId = EnvelopeIds.NewId(),
            ReplyTo = "3f2a9c1d0e7b4a55/12345",
            Tenant = "",
            Payload = payload,
            Headers =
            {
                [StageExecutor.PipelineHeader] = "echo",
                [StageExecutor.StageHeader] = "echo",
                [StageExecutor.NodeHeader] = "sys.echo",
                ["traceparent"] = "00-" + EnvelopeIds.NewTraceId() + "-" + EnvelopeIds.NewSpanId() + "-01",
            },
        };
    }
}
