using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portway.Nodes;
using Portway.Testing;

namespace Portway.Adapters.Tests.Timer;

/// <summary>A cron schedule (<c>schedule: "*/5 * * * *"</c>) on a real host and a fake clock: runs exactly at each match, never before.</summary>
public sealed class TimerCronTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    private const string Yaml = """
        pipelines:
          good:
            stages:
              - { name: good, node: test.good }
        runtime:
          web:
            interfaces:
              - kind: timer
                schedules:
                  - { name: five, pipeline: good, schedule: "*/5 * * * *" }
        """;

    [Fact]
    public async Task CronSchedule_JustBefore_NoRun_At_Runs_JustAfter_NoSecondRun()
    {
        var clock = new TimerWatchingClock(new DateTimeOffset(2026, 1, 1, 10, 2, 30, TimeSpan.Zero));
        var node = new TimerIngressTests.RecordingNode(clock, fail: false);
        await using var server = await PortwayTestServer.StartAsync(Yaml, services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton(new NodeRegistration("test.good", typeof(TimerIngressTests.RecordingNode)));
            services.AddSingleton(node);
        }, "test.good");
        using var cts = new CancellationTokenSource(Deadline);
        var fiveAfterTen = new DateTimeOffset(2026, 1, 1, 10, 5, 0, TimeSpan.Zero);

        // The schedule waits on the clock (a timer made for 10:05); only then does the test move time.
        await clock.WaitForTimerAsync(TimeSpan.FromSeconds(150), cts.Token);
        clock.Advance(fiveAfterTen - Tick - clock.GetUtcNow());
        clock.Advance(Tick);
        var first = await node.Runs.Reader.ReadAsync(cts.Token);
        await clock.WaitForTimerAsync(TimeSpan.FromMinutes(5), cts.Token);
        clock.Advance(Tick);
        clock.Advance(TimeSpan.FromMinutes(5) - Tick - Tick);
        var early = node.Runs.Reader.TryRead(out _);
        clock.Advance(Tick);
        var second = await node.Runs.Reader.ReadAsync(cts.Token);

        // Every run records the clock when it ran: had one come early (or twice), it would show here.
        Assert.Equal(fiveAfterTen, first.At);
        Assert.False(early);
        Assert.Equal(fiveAfterTen.AddMinutes(5), second.At);
        Assert.False(node.Runs.Reader.TryRead(out _));
        Assert.Equal("{}", first.Input);
        await Eventually.TrueAsync(() => server.PendingWaiters == 0, Deadline, "no waiter pending");
    }

    /// <summary>A fake clock that tells when a timer is made on it (what <c>Task.Delay(TimeSpan, TimeProvider)</c> does).</summary>
    private sealed class TimerWatchingClock(DateTimeOffset start) : FakeTimeProvider(start)
    {
        public Channel<TimeSpan> TimerCreated { get; } = Channel.CreateUnbounded<TimeSpan>();

        /// <summary>Waits until a timer due in <paramref name="due"/> is made (the schedule's; the host makes others too).</summary>
        public async Task WaitForTimerAsync(TimeSpan due, CancellationToken cancellationToken)
        {
            while (await TimerCreated.Reader.ReadAsync(cancellationToken) != due)
            {
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            TimerCreated.Writer.TryWrite(dueTime);
            return timer;
        }
    }
}
