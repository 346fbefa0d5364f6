using Portway.Internal.Correlation;

namespace Portway.Benchmarks;

/// <summary>
/// Bytes retained per pending waiter: registers <c>count</c> reply waiters (30 s deadline, a cancellable caller
/// token as the HTTP ingress passes) and compares the managed heap after a full collection, before and after.
/// Target: under 640 bytes per pending waiter.
/// </summary>
internal static class PendingWaiterMemory
{
    public static int Run(int count)
    {
        // The instance id has the host's shape ("i" + 12 hex), so reply_to strings have their real length.
        var registry = new WaiterRegistry(TimeProvider.System, "i" + EnvelopeIds.NewId()[..12]);
        using var caller = new CancellationTokenSource();
        var held = new ReplyWaiter[count];
        // Warm up the types and the registry's growth path, then measure from a clean slate.
        Fill(registry, held, caller.Token);
        registry.FailAll(WaiterEnd.Shutdown);
        Array.Clear(held);

        var before = GC.GetTotalMemory(forceFullCollection: true);
        Fill(registry, held, caller.Token);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var pending = registry.Pending;
        // The array that keeps the waiters reachable for the measurement is not part of a waiter's cost.
        var perWaiter = (after - before - ((long)count * IntPtr.Size)) / (double)count;
        registry.FailAll(WaiterEnd.Shutdown);
        GC.KeepAlive(held);
        Console.WriteLine($"pending waiters: {pending}; bytes per pending waiter: {perWaiter:F0} (target < 640); pending after FailAll: {registry.Pending}");
        return perWaiter < 640 ? 0 : 1;
    }

    private static void Fill(WaiterRegistry registry, ReplyWaiter[] held, CancellationToken caller)
    {
        for (var i = 0; i < held.Length; i++)
        {
            held[i] = registry.RegisterReply(TimeSpan.FromSeconds(30), caller);
        }
    }
}
