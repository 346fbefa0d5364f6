using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Portway.Internal.Correlation;
using Portway.Observability;

namespace Portway.Internal.Observability;

/// <summary>
/// Requests by outcome (<c>ok</c> or the error code) and by endpoint with latency percentiles, counted from
/// boundary events; backs <c>GET /stats</c>, the dashboard and the request metrics (<c>portway.requests</c>,
/// <c>portway.request.duration</c>, <c>portway.waiters.pending</c>, <c>portway.live</c>).
/// </summary>
/// <remarks>
/// One counter per outcome, found with a lock-free read and bumped with an interlocked add: every request passes
/// here. A request's latency runs from its <c>ingress accepted</c> event to its egress event: from the
/// <see cref="BoundaryEvent.AcceptedTimestamp"/> the ingress carries on both (the http ingress does), else from a start
/// kept by request id (at most <see cref="MaxTracked"/> at once, past that a request is counted without a latency).
/// The metric tags of each endpoint and outcome are built once (<see cref="OutcomeCount"/>).
/// </remarks>
internal sealed class RuntimeStats : IBoundaryEventSink
{
    public const int MaxTracked = 100_000;

    /// <summary>The interface name of the GraphQL adapter's events: its accepted-not-ended requests are the running GraphQL operations.</summary>
    private const string GraphQLInterface = "graphql";

    private readonly WaiterRegistry _waiters;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, StrongBox<long>> _byOutcome = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Interface, string Route), EndpointStats> _endpoints = new();
    private readonly ConcurrentDictionary<string, long> _started = new(StringComparer.Ordinal);
    private readonly Histogram<double>? _duration;
    private StrongBox<long>? _ok;
    private EndpointStats? _lastEndpoint;
    private int _tracked;

    public RuntimeStats(WaiterRegistry waiters, TimeProvider time, PortwayGauges gauges, IpcRefusals? ipc = null, IMeterFactory? meterFactory = null)
    {
        Ipc = ipc ?? new IpcRefusals();
        _waiters = waiters;
        _time = time;
        Gauges = gauges;
        if (meterFactory?.Create(PortwayTelemetry.Name) is { } meter)
        {
            // Observed from the endpoint counts when a reader collects: no metric work per request for the count.
            meter.CreateObservableCounter("portway.requests", ObserveRequests, description: "Requests by interface, endpoint and outcome (ok or the taxonomy code)");
            _duration = meter.CreateHistogram<double>("portway.request.duration", unit: "s", description: "Request latency from ingress accepted to egress, by interface, endpoint and outcome",
                advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
            meter.CreateObservableGauge("portway.waiters.pending", () => (long)_waiters.Pending, description: "Callers waiting for an answer now");
            meter.CreateObservableGauge("portway.live", () => Gauges.Snapshot().Select(g => new Measurement<long>(g.Value, new KeyValuePair<string, object?>("name", g.Key))),
                description: "Live counts: open WebSocket connections, running GraphQL operations");
        }
    }

    public int PendingWaiters => _waiters.Pending;

    /// <summary>Connections and frames the tcp_local listener refused (zero without child processes).</summary>
    public IpcRefusals Ipc { get; }

    public PortwayGauges Gauges { get; }

    public void OnEvent(BoundaryEvent boundaryEvent)
    {
        ArgumentNullException.ThrowIfNull(boundaryEvent);
        string? outcome;
        switch (boundaryEvent.Kind)
        {
            case BoundaryEventKind.IngressAccepted:
                if (boundaryEvent.Interface == GraphQLInterface)
                {
                    Gauges.Add(PortwayGauges.GraphQLOperations, 1);
                }

                // ConcurrentDictionary.Count takes every lock: the dictionary's size is counted here instead.
                if (boundaryEvent.AcceptedTimestamp == 0 && Volatile.Read(ref _tracked) < MaxTracked
                    && _started.TryAdd(boundaryEvent.RequestId, _time.GetTimestamp()))
                {
                    Interlocked.Increment(ref _tracked);
                }

                return;
            case BoundaryEventKind.EgressDelivered:
                outcome = "ok";
                break;
            case BoundaryEventKind.EgressFailed or BoundaryEventKind.IngressRejected:
                outcome = boundaryEvent.Code ?? ErrorCode.Internal;
                break;
            default:
                return;
        }

        Interlocked.Increment(ref (outcome == OutcomeCount.Ok ? _ok ??= Count(outcome) : Count(outcome)).Value);
        if (boundaryEvent.Kind != BoundaryEventKind.IngressRejected && boundaryEvent.Interface == GraphQLInterface)
        {
            Gauges.Add(PortwayGauges.GraphQLOperations, -1);
        }

        double? seconds = boundaryEvent.Kind == BoundaryEventKind.IngressRejected ? null
            : boundaryEvent.AcceptedTimestamp != 0 ? _time.GetElapsedTime(boundaryEvent.AcceptedTimestamp).TotalSeconds
            : Volatile.Read(ref _tracked) > 0 && TryTakeStart(boundaryEvent.RequestId, out var start) ? _time.GetElapsedTime(start).TotalSeconds
            : null;
        var count = Endpoint(boundaryEvent.Interface, boundaryEvent.Route).Record(outcome, seconds * 1000);
        if (seconds is { } s && _duration is { Enabled: true })
        {
            _duration.Record(s, count.Tags);
        }
    }

    /// <summary>A sorted copy of the counts.</summary>
    public SortedDictionary<string, long> Snapshot()
    {
        var snapshot = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (outcome, count) in _byOutcome)
        {
            snapshot[outcome] = Volatile.Read(ref count.Value);
        }

        return snapshot;
    }

    private IEnumerable<Measurement<long>> ObserveRequests()
    {
        foreach (var endpoint in _endpoints.Values)
        {
            foreach (var count in endpoint.Outcomes)
            {
                yield return new Measurement<long>(Volatile.Read(ref count.Value), count.Tags);
            }
        }
    }

    private bool TryTakeStart(string requestId, out long start)
    {
        if (!_started.TryRemove(requestId, out start))
        {
            return false;
        }

        Interlocked.Decrement(ref _tracked);
        return true;
    }

    private StrongBox<long> Count(string outcome) => _byOutcome.GetOrAdd(outcome, static _ => new StrongBox<long>());

    /// <summary>The endpoint's stats; the last one used is remembered (a run of requests to one endpoint skips the lookup).</summary>
    private EndpointStats Endpoint(string @interface, string route)
    {
        var last = _lastEndpoint;
        if (last is not null && ReferenceEquals(last.Route, route) && ReferenceEquals(last.Interface, @interface))
        {
            return last;
        }

        var stats = _endpoints.GetOrAdd((@interface, route), static key => new EndpointStats(key.Interface, key.Route));
        _lastEndpoint = stats;
        return stats;
    }

    /// <summary>Every endpoint that saw a request, ordered by interface then route.</summary>
    public IReadOnlyList<EndpointStats> Endpoints =>
        _endpoints.Values.OrderBy(e => e.Interface, StringComparer.Ordinal).ThenBy(e => e.Route, StringComparer.Ordinal).ToArray();
}
