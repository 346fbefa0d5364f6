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
}
