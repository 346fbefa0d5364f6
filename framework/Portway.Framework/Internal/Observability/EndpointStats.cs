using System.Collections.Concurrent;

namespace Portway.Internal.Observability;

/// <summary>
/// One endpoint's requests by outcome and its latest latencies (a ring of the last <see cref="Window"/>) for percentiles.
/// Lock-free: every request of the endpoint records here. Each outcome keeps its metric tags, built once.
/// </summary>
internal sealed class EndpointStats(string @interface, string route)
{
    public const int Window = 2048;

    private readonly double[] _latencyMs = new double[Window];
    private readonly ConcurrentDictionary<string, OutcomeCount> _byOutcome = new(StringComparer.Ordinal);
    private OutcomeCount? _ok;
    private long _samples;

    public string Interface { get; } = @interface;

    public string Route { get; } = route;

    /// <summary>The outcomes seen so far, each with its count.</summary>
    public IEnumerable<OutcomeCount> Outcomes => _byOutcome.Values;

    /// <summary>Counts one request; returns its outcome's count (with the metric tags of this endpoint and outcome).</summary>
    public OutcomeCount Record(string outcome, double? latencyMs)
    {
        var count = outcome == OutcomeCount.Ok ? _ok ??= Outcome(outcome) : Outcome(outcome);
        Interlocked.Increment(ref count.Value);
        if (latencyMs is { } ms)
        {
            // A slot may be overwritten by a later request before a snapshot reads it: the ring holds recent latencies, not all.
            Volatile.Write(ref _latencyMs[(int)((Interlocked.Increment(ref _samples) - 1) % Window)], ms);
        }

        return count;
    }

    /// <summary>Counts by outcome, total, and p50 / p90 / p99 in ms of the latest latencies (null before the first).</summary>
    public (SortedDictionary<string, long> ByOutcome, long Total, double? P50, double? P90, double? P99) Snapshot()
    {
        var byOutcome = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (outcome, count) in _byOutcome)
        {
            byOutcome[outcome] = Volatile.Read(ref count.Value);
        }

        var sorted = _latencyMs.AsSpan(0, (int)Math.Min(Volatile.Read(ref _samples), Window)).ToArray();
        Array.Sort(sorted);
        return (byOutcome, byOutcome.Values.Sum(), Percentile(sorted, 0.50), Percentile(sorted, 0.90), Percentile(sorted, 0.99));
    }

    private OutcomeCount Outcome(string outcome) => _byOutcome.GetOrAdd(outcome, static (o, e) => new OutcomeCount(e.Interface, e.Route, o), this);

    private static double? Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? null : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)], 3);
}
