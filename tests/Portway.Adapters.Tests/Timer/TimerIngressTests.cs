using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portway.Nodes;
using Portway.Testing;

namespace Portway.Adapters.Tests.Timer;

/// <summary>The timer ingress (<c>kind: timer</c>) on a real host, driven by a fake clock.</summary>
public sealed class TimerIngressTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private const string Yaml = """
        pipelines:
          good:
            stages:
              - { name: good, node: test.good }
          bad:
            stages:
              - { name: bad, node: test.bad }
        runtime:
          web:
            interfaces:
              - kind: timer
                schedules:
                  - { name: good, pipeline: good, every_ms: 1000 }
                  - { name: bad, pipeline: bad, every_ms: 1000, timeout_ms: 500 }
        """;

    [Fact]
    public async Task Schedules_RunOnTheClock_AndAFailingOneKeepsGoing()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var start = clock.GetUtcNow();
        var good = new RecordingNode(clock, fail: false);
        var bad = new RecordingNode(clock, fail: true);
        await using var server = await PortwayTestServer.StartAsync(Yaml, services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton(new NodeRegistration("test.good", typeof(RecordingNode)));
            services.AddSingleton(new NodeRegistration("test.bad", typeof(FailingNode)));
            services.AddSingleton(good);
            services.AddSingleton(new FailingNode(bad));
        }, "test.good", "test.bad");

        var goodRuns = new List<RecordingNode.Run>();
        var badRuns = 0;
        using var cts = new CancellationTokenSource(Deadline);
        while ((goodRuns.Count < 3 || badRuns < 3) && !cts.IsCancellationRequested)
        {
            // The schedules' timers are made on the host's threads: step the clock, then give the runs a moment.
            clock.Advance(TimeSpan.FromMilliseconds(1000));
            var next = Task.WhenAll(good.Runs.Reader.WaitToReadAsync(cts.Token).AsTask(), bad.Runs.Reader.WaitToReadAsync(cts.Token).AsTask());
            await Task.WhenAny(next, Task.Delay(100, CancellationToken.None));
            while (good.Runs.Reader.TryRead(out var run)) goodRuns.Add(run);
            while (bad.Runs.Reader.TryRead(out _)) badRuns++;
        }

        Assert.True(goodRuns.Count >= 3, $"good ran {goodRuns.Count} times");
        Assert.True(badRuns >= 3, $"bad ran {badRuns} times");
        Assert.All(goodRuns, run => Assert.True(run.At - start >= TimeSpan.FromSeconds(1), $"ran at {run.At - start} after start"));
        Assert.All(goodRuns, run => Assert.Equal("{}", run.Input));
        Assert.Equal(goodRuns.Count, goodRuns.Select(r => r.RequestId).Distinct().Count());
        await Eventually.TrueAsync(() => server.PendingWaiters == 0, Deadline, "no waiter pending");
    }

    internal sealed class RecordingNode(TimeProvider clock, bool fail) : INode
    {
        public Channel<Run> Runs { get; } = Channel.CreateUnbounded<Run>();

        public ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken)
        {
            Runs.Writer.TryWrite(new Run(clock.GetUtcNow(), System.Text.Encoding.UTF8.GetString(context.Input.Span), context.RequestId));
            return ValueTask.FromResult(fail
                ? NodeResult.Failure(ErrorCode.Unavailable, "the peer is down")
                : NodeResult.Success("{\"ok\":true}"u8.ToArray()));
        }

        public sealed record Run(DateTimeOffset At, string Input, string RequestId);
    }

    internal sealed class FailingNode(RecordingNode inner) : INode
    {
        public ValueTask<NodeResult> InvokeAsync(NodeContext context, CancellationToken cancellationToken) => inner.InvokeAsync(context, cancellationToken);
    }
}
