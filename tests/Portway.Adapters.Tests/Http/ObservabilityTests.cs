using System.Diagnostics;
using System.Text;
using Portway.Observability;

namespace Portway.Adapters.Tests.Http;

/// <summary>WEB-07: the boundary events of a request, in order, each carrying its trace_id and request_id.</summary>
public sealed class ObservabilityTests
{
    private static async Task<IReadOnlyList<BoundaryEvent>> EventsOf(string path, string body, string requestId, BoundaryEventKind last)
    {
        var (server, events) = await HttpTestConfig.StartAsync();
        await using var _ = server;
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-request-id", requestId);
        request.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        using var response = await server.Client.SendAsync(request);
        await events.WaitForAsync(e => e.RequestId == requestId && e.Kind == last);
        var mine = events.For(requestId);
        Assert.All(mine, e => Assert.Equal("0af7651916cd43dd8448eb211c80319c", e.TraceId));
        return mine;
    }

    [Fact]
    public async Task WEB07_Success_AcceptedHandoffDelivered()
    {
        var events = await EventsOf("/v1/echo", "{}", "ok-1", BoundaryEventKind.EgressDelivered);

        Assert.Equal(
            [BoundaryEventKind.IngressAccepted, BoundaryEventKind.RoutingHandoff, BoundaryEventKind.EgressDelivered],
            events.Select(e => e.Kind));
        Assert.Equal("echo", events[1].Stage);
    }

    [Fact]
    public async Task WEB07_NodeError_AcceptedHandoffFailedWithCode()
    {
        var events = await EventsOf("/v1/fail", "{\"code\":\"conflict\",\"message\":\"no\"}", "err-1", BoundaryEventKind.EgressFailed);

        Assert.Equal(
            [BoundaryEventKind.IngressAccepted, BoundaryEventKind.RoutingHandoff, BoundaryEventKind.EgressFailed],
            events.Select(e => e.Kind));
        Assert.Equal("conflict", events[2].Code);
    }

    [Fact]
    public async Task WEB07_Timeout_AcceptedHandoffFailedWithTimeout()
    {
        var events = await EventsOf("/v1/delay", "{\"ms\":5000}", "to-1", BoundaryEventKind.EgressFailed);

        Assert.Equal(
            [BoundaryEventKind.IngressAccepted, BoundaryEventKind.RoutingHandoff, BoundaryEventKind.EgressFailed],
            events.Select(e => e.Kind));
        Assert.Equal("timeout", events[2].Code);
    }

    [Fact]
    public async Task WEB07_BadInput_IsOneIngressRejected()
    {
        var events = await EventsOf("/v1/echo", "{oops", "bad-1", BoundaryEventKind.IngressRejected);

        var rejected = Assert.Single(events);
        Assert.Equal("validation_failed", rejected.Code);
    }

    [Fact]
    public async Task WEB07_Spans_RequestAndStageShareTheCallersTrace()
    {
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Portway",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await EventsOf("/v1/echo", "{}", "span-1", BoundaryEventKind.EgressDelivered);

        var mine = spans.Where(a => a.TraceId.ToHexString() == "0af7651916cd43dd8448eb211c80319c").ToArray();
        var request = Assert.Single(mine, a => a.OperationName.StartsWith("portway.request", StringComparison.Ordinal));
        var stage = Assert.Single(mine, a => a.OperationName.StartsWith("portway.stage", StringComparison.Ordinal));
        Assert.Equal("b7ad6b7169203331", request.ParentSpanId.ToHexString());
        Assert.Equal(request.SpanId, stage.ParentSpanId);
    }

    [Fact]
    public async Task WEB07_Spans_WithoutCallerTrace_UseTheTraceIdTheResponseCarries()
    {
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Portway",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var (server, events) = await HttpTestConfig.StartAsync();
        await using var _ = server;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/echo") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add("x-request-id", "no-trace-1");

        using var response = await server.Client.SendAsync(request);
        await events.WaitForAsync(e => e.RequestId == "no-trace-1" && e.Kind == BoundaryEventKind.EgressDelivered);

        var traceparent = response.Headers.GetValues("traceparent").Single();
        var requestSpan = Assert.Single(spans, a => a.GetTagItem("portway.request_id") as string == "no-trace-1" && a.Kind == ActivityKind.Server);
        Assert.Equal($"00-{requestSpan.TraceId.ToHexString()}-{requestSpan.SpanId.ToHexString()}-01", traceparent);
        Assert.All(events.For("no-trace-1"), e => Assert.Equal(requestSpan.TraceId.ToHexString(), e.TraceId));
    }
}
