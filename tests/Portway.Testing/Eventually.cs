namespace Portway.Testing;

/// <summary>Waits for a condition with a deadline, for state that has no event (a process count, a gauge).</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (!condition())
        {
            try
            {
                await timer.WaitForNextTickAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"not true within {timeout.TotalMilliseconds} ms: {what}");
            }
        }
    }

    /// <summary>As <see cref="TrueAsync(Func{bool}, TimeSpan, string)"/> for a condition that is itself asynchronous (an HTTP probe).</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (!await condition())
        {
            try
            {
                await timer.WaitForNextTickAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"not true within {timeout.TotalMilliseconds} ms: {what}");
            }
        }
    }
}
