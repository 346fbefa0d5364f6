namespace Portway.Internal.Observability;

/// <summary>One endpoint's requests by outcome and its latest latencies (a ring of the last <see cref="Window"/>) for percentiles.</summary>
internal sealed class EndpointStats(string @interface, string route)
{
    public const int Window = 2048;

    private readonly object _gate = new();
    private readonly double[] _latencyMs = new double[Window];
    private readonly SortedDictionary<string, long> _byOutcome = new(StringComparer.Ordinal);
    private long _samples;

    public string Interface { get; } = @interface;

    public string Route { get; } = route;

    public void Record(string outcome, double? latencyMs)
    {
        lock (_gate)
        {
            _byOutcome[outcome] = _byOutcome.GetValueOrDefault(outcome) + 1;
            if (latencyMs is { } ms)
            {
                _latencyMs[_samples++ % Window] = ms;
            }
        }
    }

    /// <summary>Counts by outcome, total, and p50 / p90 / p99 in ms of the latest latencies (null before the first).</summary>
    public (SortedDictionary<string, long> ByOutcome, long Total, double? P50, double? P90, double? P99) Snapshot()
    {
        double[] sorted;
        SortedDictionary<string, long> byOutcome;
        lock (_gate)
        {
            byOutcome = new SortedDictionary<string, long>(_byOutcome, StringComparer.Ordinal);
            sorted = _latencyMs.AsSpan(0, (int)Math.Min(_samples, Window)).ToArray();
        }

        Array.Sort(sorted);
        return (byOutcome, byOutcome.Values.Sum(), Percentile(sorted, 0.50), Percentile(sorted, 0.90), Percentile(sorted, 0.99));
    }

    private static double? Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? null : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)], 3);
}
