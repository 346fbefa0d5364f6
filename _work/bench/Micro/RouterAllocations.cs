using System.Diagnostics.Tracing;

namespace Portway.Benchmarks;

/// <summary>
/// What the router allocates per request, by type: runs <see cref="RouterBenchmarks"/>' pipelines many times under an
/// in-process listener of the runtime's GC allocation ticks (one sample per ~100 KB allocated) and prints the bytes
/// per request and the share of each sampled type.
/// </summary>
internal static class RouterAllocations
{
    public static int Run(string pipeline, int requests)
    {
        using var bench = new RouterBenchmarks();
        Func<Task<Envelope>> run = pipeline == "echo" ? bench.Echo : bench.Dag3;
        for (var i = 0; i < 20_000; i++)
        {
            run().GetAwaiter().GetResult();
        }

        using var listener = new TickListener();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < requests; i++)
        {
            run().GetAwaiter().GetResult();
        }

        var bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
        Console.WriteLine($"{pipeline}: {bytes / (double)requests:F0} B per request ({requests} requests)");
        var total = listener.Ticks.Values.Sum();
        foreach (var (type, count) in listener.Ticks.OrderByDescending(t => t.Value).Take(25))
        {
            Console.WriteLine($"  {100.0 * count / total,5:F1} %  {type}");
        }

        return 0;
    }

    private sealed class TickListener : EventListener
    {
        public Dictionary<string, int> Ticks { get; } = [];

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true && eventData.Payload is { } payload)
            {
                var index = eventData.PayloadNames!.IndexOf("TypeName");
                var type = index >= 0 ? payload[index] as string ?? "?" : "?";
                lock (Ticks)
                {
                    Ticks[type] = Ticks.GetValueOrDefault(type) + 1;
                }
            }
        }
    }
}
