using Portway.Internal.Transport.TcpLocal;
using Portway.Testing;

namespace Portway.Framework.Tests.Transport.TcpLocal;

public sealed class HopSchedulerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task TrySchedule_OverConcurrencyAndQueue_RunsTheBoundQueuesTheRestRefusesOneMore()
    {
        var started = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var release = new Dictionary<string, TaskCompletionSource>();
        foreach (var name in new[] { "a", "b", "c", "d" }) release[name] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var scheduler = new HopScheduler<string>(maxConcurrency: 2, maxQueued: 1, async item =>
        {
            started.Enqueue(item);
            await release[item].Task;
        });

        Assert.True(scheduler.TrySchedule("a"));
        Assert.True(scheduler.TrySchedule("b"));
        Assert.True(scheduler.TrySchedule("c"));
        Assert.False(scheduler.TrySchedule("d"));
        await Eventually.TrueAsync(() => started.Count == 2, Deadline, "two run at once");
        Assert.Equal(2, scheduler.Running);
        Assert.Equal(1, scheduler.Queued);
        Assert.DoesNotContain("c", started);

        // A slot frees: the queued one runs in it.
        release["a"].SetResult();
        await Eventually.TrueAsync(() => started.Contains("c"), Deadline, "the queued one runs once a slot frees");
        Assert.Equal(2, scheduler.Running);
        Assert.Equal(0, scheduler.Queued);

        release["b"].SetResult();
        release["c"].SetResult();
        await Eventually.TrueAsync(() => scheduler.Running == 0, Deadline, "every slot is returned");
    }

    [Fact]
    public async Task TrySchedule_ARunThatThrows_ReturnsItsSlot()
    {
        var ran = 0;
        var scheduler = new HopScheduler<string>(1, 0, _ =>
        {
            Interlocked.Increment(ref ran);
            throw new InvalidOperationException("a bug in a node runner");
        });

        Assert.True(scheduler.TrySchedule("a"));
        await Eventually.TrueAsync(() => scheduler.Running == 0, Deadline, "the slot is returned");
        Assert.True(scheduler.TrySchedule("b"));
        await Eventually.TrueAsync(() => Volatile.Read(ref ran) == 2 && scheduler.Running == 0, Deadline, "the next one runs");
    }
    [Fact]
    public async Task TrySchedule_HopsBehindOneThatNeverEnds_RunWhileSlotsAreFree()
    {
        // Scheduled together, as the reading thread hands over a burst: whichever runner takes the endless one, the
        // others still run, one after another or side by side, while it holds its slot.
        var endless = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var scheduler = new HopScheduler<string>(maxConcurrency: 2, maxQueued: 100, async item =>
        {
            if (item == "endless")
            {
                await endless.Task;
            }

            done.Enqueue(item);
        });

        var names = Enumerable.Range(0, 50).Select(i => $"h{i}").ToArray();
        Assert.True(scheduler.TrySchedule("endless"));
        Assert.All(names, n => Assert.True(scheduler.TrySchedule(n)));

        await Eventually.TrueAsync(() => done.Count == names.Length, Deadline, "every hop behind the endless one ran");
        Assert.Equal(names, done.ToArray());
        Assert.Equal(1, scheduler.Running);

        endless.SetResult();
        await Eventually.TrueAsync(() => scheduler.Running == 0 && scheduler.Queued == 0, Deadline, "every slot is returned");
    }

    [Fact]
    public async Task TrySchedule_ManyQuickHopsFromAnotherThread_EachRunsOnceAndNeverMoreThanTheBound()
    {
        var ran = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var now = 0;
        var most = 0;
        var scheduler = new HopScheduler<object>(maxConcurrency: 3, maxQueued: 10_000, async item =>
        {
            var running = Interlocked.Increment(ref now);
            InterlockedMax(ref most, running);
            if ((int)item % 7 == 0)
            {
                await Task.Yield();
            }

            ran.AddOrUpdate((int)item, 1, (_, n) => n + 1);
            Interlocked.Decrement(ref now);
        });

        var feeder = new Thread(() =>
        {
            for (var i = 0; i < 5000; i++)
            {
                Assert.True(scheduler.TrySchedule(i));
            }
        });
        feeder.Start();
        feeder.Join();

        await Eventually.TrueAsync(() => ran.Count == 5000 && scheduler.Running == 0, Deadline, "all 5000 ran");
        Assert.All(ran.Values, n => Assert.Equal(1, n));
        Assert.InRange(Volatile.Read(ref most), 1, 3);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
