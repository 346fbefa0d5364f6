using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Portway.Adapters.Egress.Internal;
using Portway.Testing;

namespace Portway.Adapters.Tests.Egress;

/// <summary>The HTTP egress against a real local Kestrel peer that fails, hangs or answers: retries, breaker, timeouts, trace.</summary>
public sealed class HttpEgressTests : IAsyncLifetime
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private FlakyServer _server = null!;

    public async Task InitializeAsync() => _server = await FlakyServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private EgressHub Hub(string settings) => EgressTestClient.Hub($"""
            http:
              - name: up
                base_url: {_server.BaseAddress}
        {settings}
        """, _time);

    [Fact]
    public async Task Call_FailsTwiceThenSucceeds_RetriesAfterGrowingDelaysOnTheClock()
    {
        _server.Answer = n => n <= 2 ? (503, "{}") : (200, """{"ok":true}""");
        await using var hub = Hub("""
                    retry: { max_retries: 3, base_delay_ms: 100, max_delay_ms: 1000, jitter: false }
            """);
        var delays = new ConcurrentQueue<TimeSpan>();
        hub.Http("up").RetryScheduled += (_, delay) => delays.Enqueue(delay);
        var start = _time.GetUtcNow();
        var call = hub.CallAsync("up", EgressTestClient.Post("/items")).AsTask();

        await EgressTestClient.AdvanceUntilAsync(_time, () => _server.Hits >= 2, Step, "the second attempt");
        var second = _time.GetUtcNow() - start;
        await EgressTestClient.AdvanceUntilAsync(_time, () => _server.Hits >= 3, Step, "the third attempt");
        var third = _time.GetUtcNow() - start;
        var response = await call.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("""{"ok":true}""", Encoding.UTF8.GetString(response.Body.Span));
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)], delays);
        Assert.True(second >= TimeSpan.FromMilliseconds(100), $"the first retry came {second.TotalMilliseconds} ms after the call (its delay is 100 ms)");
        Assert.True(third - second >= TimeSpan.FromMilliseconds(200), $"the second retry came {(third - second).TotalMilliseconds} ms after the first (its delay is 200 ms)");
        Assert.Equal(3, _server.Hits);
        Assert.Equal(2, hub.Http("up").Retries);
    }

    [Fact]
    public async Task Call_WithJitter_RetriesEveryTransientFailureWithinTheMaxDelay()
    {
        _server.Answer = n => n <= 3 ? (n == 2 ? 429 : 500, "{}") : (200, "{}");
        await using var hub = Hub("""
                    retry: { max_retries: 3, base_delay_ms: 50, max_delay_ms: 400 }
            """);
        var delays = new ConcurrentQueue<TimeSpan>();
        hub.Http("up").RetryScheduled += (_, delay) => delays.Enqueue(delay);
        var call = hub.CallAsync("up", EgressTestClient.Post("/")).AsTask();

        await EgressTestClient.AdvanceUntilAsync(_time, () => call.IsCompleted, Step, "the call to end");

        Assert.Equal(200, (await call).StatusCode);
        Assert.Equal(4, _server.Hits);
        Assert.Equal(3, delays.Count);
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromTicks(1), TimeSpan.FromMilliseconds(400)));
    }

    [Fact]
    public async Task Call_RetriesExhausted_IsBadGatewayNamingTheUpstreamStatus()
    {
        _server.Answer = _ => (503, "{}");
        await using var hub = Hub("""
                    retry: { max_retries: 2, base_delay_ms: 10, max_delay_ms: 20, jitter: false }
            """);
        var call = hub.CallAsync("up", EgressTestClient.Post("/x")).AsTask();

        await EgressTestClient.AdvanceUntilAsync(_time, () => call.IsCompleted, Step, "the call to end");

        var error = (await Assert.ThrowsAsync<PortwayException>(() => call)).Error;
        Assert.Equal(ErrorCode.BadGateway, error.Code);
        Assert.Contains("POST /x answered 503", error.Message, StringComparison.Ordinal);
        Assert.Contains("3 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, _server.Hits);
    }

    [Fact]
    public async Task Call_Upstream404_IsBadGatewayAtOnceWithoutRetry()
    {
        _server.Answer = _ => (404, """{"error":"no such item"}""");
        await using var hub = Hub("");

        var error = (await Assert.ThrowsAsync<PortwayException>(() => hub.CallAsync("up", EgressTestClient.Post("/items/9")).AsTask())).Error;

        Assert.Equal(ErrorCode.BadGateway, error.Code);
        Assert.Contains("answered 404", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _server.Hits);
    }

    [Fact]
    public async Task Breaker_OpensAfterFailures_FailsFastThenHalfOpensAfterBreak()
    {
        var healthy = false;
        _server.Answer = _ => healthy ? (200, "{}") : (500, "{}");
        await using var hub = Hub("""
                    retry: { max_retries: 0 }
                    breaker: { failure_ratio: 0.5, min_throughput: 2, sampling_ms: 30000, break_ms: 1000 }
            """);
        var client = hub.Http("up");

        for (var i = 0; i < 2; i++)
        {
            var failed = await Assert.ThrowsAsync<PortwayException>(() => hub.CallAsync("up", EgressTestClient.Post("/")).AsTask());
            Assert.Equal(ErrorCode.BadGateway, failed.Error.Code);
        }

        Assert.Equal("open", client.BreakerState);
        var open = await Assert.ThrowsAsync<PortwayException>(() => hub.CallAsync("up", EgressTestClient.Post("/")).AsTask());
        Assert.Equal(ErrorCode.Unavailable, open.Error.Code);
        Assert.Contains("circuit breaker is open", open.Error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _server.Hits); // failed fast: the peer saw nothing

        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(ErrorCode.Unavailable, (await Assert.ThrowsAsync<PortwayException>(() => hub.CallAsync("up", EgressTestClient.Post("/")).AsTask())).Error.Code);
        Assert.Equal(2, _server.Hits);

        // After break_ms one trial call goes through (half-open); it fails, so the breaker opens again.
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(ErrorCode.BadGateway, (await Assert.ThrowsAsync<PortwayException>(() => hub.CallAsync("up", EgressTestClient.Post("/")).AsTask())).Error.Code);
        Assert.Equal(3, _server.Hits);
        Assert.Equal("open", client.BreakerState);
        Assert.Equal(ErrorCode.Unavailable, (await Assert.ThrowsAsync<PortwayException>(() => hub.CallAsync("up", EgressTestClient.Post("/")).AsTask())).Error.Code);

        // The next trial succeeds: closed again, calls flow.
        healthy = true;
        _time.Advance(TimeSpan.FromMilliseconds(1000));
        Assert.Equal(200, (await hub.CallAsync("up", EgressTestClient.Post("/"))).StatusCode);
        Assert.Equal("closed", client.BreakerState);
        Assert.Equal(200, (await hub.CallAsync("up", EgressTestClient.Post("/"))).StatusCode);
        Assert.Equal(5, _server.Hits);
    }

    [Fact]
    public async Task Call_PeerHangs_TimesOutPerAttempt()
    {
        _server.Answer = _ => null;
        await using var hub = Hub("""
                    timeout_ms: 500
                    retry: { max_retries: 1, base_delay_ms: 100, max_delay_ms: 100, jitter: false }
            """);
        var start = _time.GetUtcNow();
        var call = hub.CallAsync("up", EgressTestClient.Post("/slow")).AsTask();

        await EgressTestClient.AdvanceUntilAsync(_time, () => call.IsCompleted, Step, "the call to time out");

        var error = (await Assert.ThrowsAsync<PortwayException>(() => call)).Error;
        Assert.Equal(ErrorCode.Timeout, error.Code);
        Assert.Contains("2 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _server.Hits);
        Assert.True(_time.GetUtcNow() - start >= TimeSpan.FromMilliseconds(1100), "two attempts of 500 ms and a 100 ms delay");
    }

    [Fact]
    public async Task Call_TotalTimeout_CutsTheRetriesShort()
    {
        _server.Answer = _ => (503, "{}");
        await using var hub = Hub("""
                    timeout_ms: 100
                    total_timeout_ms: 250
                    retry: { max_retries: 10, base_delay_ms: 100, max_delay_ms: 100, jitter: false }
            """);
        var call = hub.CallAsync("up", EgressTestClient.Post("/")).AsTask();

        // The clock moves only once the first attempt reached the peer (on a loaded machine the fake total timeout
        // could otherwise end the call before any request went out).
        await Eventually.TrueAsync(() => _server.Hits >= 1 || call.IsCompleted, TimeSpan.FromSeconds(30), "the first attempt reaches the peer");
        await EgressTestClient.AdvanceUntilAsync(_time, () => call.IsCompleted, Step, "the call to time out");

        Assert.Equal(ErrorCode.Timeout, (await Assert.ThrowsAsync<PortwayException>(() => call)).Error.Code);
        Assert.InRange(_server.Hits, 2, 3);
    }

    [Fact]
    public async Task Call_CallerCancelsDuringBackoff_EndsAtOnceWithoutMoreAttempts()
    {
        _server.Answer = _ => (503, "{}");
        await using var hub = Hub("""
                    retry: { max_retries: 5, base_delay_ms: 60000, max_delay_ms: 60000, jitter: false }
            """);
        var retried = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Http("up").RetryScheduled += (_, _) => retried.TrySetResult();
        using var caller = new CancellationTokenSource();
        var call = hub.CallAsync("up", EgressTestClient.Post("/"), caller.Token).AsTask();
        await retried.Task.WaitAsync(TimeSpan.FromSeconds(20));

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(20)));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, _server.Hits);
    }

    [Fact]
    public async Task Call_PeerDown_IsUnavailable()
    {
        var port = FreePort();
        await using var hub = EgressTestClient.Hub($"""
                http:
                  - name: down
                    base_url: http://127.0.0.1:{port}/
                    retry: {"{"} max_retries: 0 {"}"}
            """, _time);

        var error = (await Assert.ThrowsAsync<PortwayException>(() => hub.CallAsync("down", EgressTestClient.Post("/")).AsTask())).Error;

        Assert.Equal(ErrorCode.Unavailable, error.Code);
        Assert.Contains("could not reach", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_SendsTheTraceParentWithTheRequestsTraceIdAndTheConfiguredHeaders()
    {
        var variable = "PORTWAY_TEST_EGRESS_TOKEN_" + Guid.NewGuid().ToString("N")[..8];
        Environment.SetEnvironmentVariable(variable, "Bearer s3cret");
        try
        {
            await using var hub = Hub($$"""
                        headers:
                          authorization: { env: {{variable}} }
                """);
            var traceId = "4bf92f3577b34da6a3ce929d0e0e4736";

            await hub.CallAsync("up", EgressTestClient.Post("/hook?x=1", """{"a":1}""", $"00-{traceId}-00f067aa0ba902b7-01"));

            var request = Assert.Single(_server.Requests);
            Assert.Equal(("POST", "/hook?x=1", """{"a":1}""", "Bearer s3cret"), (request.Method, request.Path, request.Body, request.Authorization));
            Assert.Matches($"^00-{traceId}-[0-9a-f]{{16}}-0[01]$", request.TraceParent);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void Hub_HeaderSecretNotSet_StopsStartupNamingTheVariable()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Hub("""
                    headers:
                      authorization: { env: PORTWAY_TEST_EGRESS_NEVER_SET }
            """));

        Assert.Contains("PORTWAY_TEST_EGRESS_NEVER_SET", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_ResponseOverTheLimit_IsBadGateway()
    {
        _server.Answer = _ => (200, "\"" + new string('x', 2000) + "\"");
        await using var hub = Hub("""
                    max_response_bytes: 1000
            """);

        var error = (await Assert.ThrowsAsync<PortwayException>(() => hub.CallAsync("up", EgressTestClient.Post("/")).AsTask())).Error;

        Assert.Equal(ErrorCode.BadGateway, error.Code);
        Assert.Contains("over 1000 bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _server.Hits);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
