using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Portway.Observability;

namespace Portway.Internal.Observability;

/// <summary>
/// The one observability service: every boundary event goes out as a log event (with trace_id and
/// request_id), a <see cref="Meter"/> counter, and to each <see cref="IBoundaryEventSink"/>; spans come
/// from <see cref="Source"/> (one per request, one per stage), each started by the host's <see cref="PortwayTracer"/>.
/// </summary>
internal sealed class PortwayTelemetry : IBoundaryEventPublisher, IDisposable
{
    public const string Name = PortwayTracing.Name;

    /// <summary>How many <see cref="BoundaryEventKind"/> values there are (the events without a code are counted by kind in an array).</summary>
    private const int BoundaryEventKinds = (int)BoundaryEventKind.EgressFailed + 1;

    private readonly ILogger _logger;
    private readonly IBoundaryEventSink[] _sinks;
    private readonly long[] _uncoded = new long[BoundaryEventKinds];
    private readonly ConcurrentDictionary<(BoundaryEventKind Kind, string Code), StrongBox<long>> _coded = new();

    public PortwayTelemetry(ILogger<PortwayTelemetry> logger, IEnumerable<IBoundaryEventSink> sinks, IMeterFactory? meterFactory = null)
    {
        _logger = logger;
        _sinks = sinks.ToArray();
        Meter = meterFactory?.Create(Name) ?? new Meter(Name);
        // Counted here and observed when a reader collects: no metric work per event.
        Meter.CreateObservableCounter("portway.boundary.events", ObserveEvents, description: "Boundary events by kind and code");
    }

    public static ActivitySource Source => PortwayTracing.Source;

    public Meter Meter { get; }

    public void Emit(BoundaryEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        switch (e.Kind)
        {
            case BoundaryEventKind.IngressAccepted:
                TelemetryLog.IngressAccepted(_logger, e.Interface, e.Route, e.TraceId, e.RequestId);
                break;
            case BoundaryEventKind.IngressRejected:
                TelemetryLog.IngressRejected(_logger, e.Interface, e.Route, e.Code ?? "", e.TraceId, e.RequestId);
                break;
            case BoundaryEventKind.RoutingHandoff:
                TelemetryLog.RoutingHandoff(_logger, e.Route, e.Stage ?? "", e.TraceId, e.RequestId);
                break;
            case BoundaryEventKind.EgressDelivered:
                TelemetryLog.EgressDelivered(_logger, e.Interface, e.Route, e.TraceId, e.RequestId);
                break;
            default:
                TelemetryLog.EgressFailed(_logger, e.Interface, e.Route, e.Code ?? "", e.TraceId, e.RequestId);
                break;
        }

        if (e.Code is null && (uint)e.Kind < BoundaryEventKinds)
        {
            Interlocked.Increment(ref _uncoded[(int)e.Kind]);
        }
        else
        {
            Interlocked.Increment(ref _coded.GetOrAdd((e.Kind, e.Code ?? "ok"), static _ => new StrongBox<long>()).Value);
        }

        foreach (var sink in _sinks)
        {
            sink.OnEvent(e);
        }
    }

    public void Dispose() => Meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveEvents()
    {
        for (var kind = 0; kind < BoundaryEventKinds; kind++)
        {
            var count = Volatile.Read(ref _uncoded[kind]);
            if (count > 0)
            {
                yield return EventMeasurement(count, (BoundaryEventKind)kind, "ok");
            }
        }

        foreach (var ((kind, code), count) in _coded)
        {
            yield return EventMeasurement(Volatile.Read(ref count.Value), kind, code);
        }
    }

    private static Measurement<long> EventMeasurement(long count, BoundaryEventKind kind, string code) =>
        new(count, new KeyValuePair<string, object?>("kind", KindName(kind)), new KeyValuePair<string, object?>("code", code));

    /// <summary>The kind's name without boxing the enum (what <c>ToString()</c> gives).</summary>
    private static string KindName(BoundaryEventKind kind) => kind switch
    {
        BoundaryEventKind.IngressAccepted => nameof(BoundaryEventKind.IngressAccepted),
        BoundaryEventKind.IngressRejected => nameof(BoundaryEventKind.IngressRejected),
        BoundaryEventKind.RoutingHandoff => nameof(BoundaryEventKind.RoutingHandoff),
        BoundaryEventKind.EgressDelivered => nameof(BoundaryEventKind.EgressDelivered),
        BoundaryEventKind.EgressFailed => nameof(BoundaryEventKind.EgressFailed),
        _ => kind.ToString(),
    };
}
