using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Portway.Observability;

namespace Portway.Internal.Observability;

/// <summary>
/// The one observability service: every boundary event goes out as a log event (with trace_id and
/// request_id), a <see cref="Meter"/> counter, and to each <see cref="IBoundaryEventSink"/>; spans come
/// from <see cref="Source"/> (one per request, one per stage).
/// </summary>
internal sealed class PortwayTelemetry : IBoundaryEventPublisher, IDisposable
{
    public const string Name = PortwayTracing.Name;

    private readonly ILogger _logger;
    private readonly IBoundaryEventSink[] _sinks;
    private readonly Counter<long> _events;

    public PortwayTelemetry(ILogger<PortwayTelemetry> logger, IEnumerable<IBoundaryEventSink> sinks, IMeterFactory? meterFactory = null)
    {
        _logger = logger;
        _sinks = sinks.ToArray();
        Meter = meterFactory?.Create(Name) ?? new Meter(Name);
        _events = Meter.CreateCounter<long>("portway.boundary.events", description: "Boundary events by kind and code");
    }

    public static ActivitySource Source => PortwayTracing.Source;

    /// <inheritdoc cref="PortwayTracing.StartActivity"/>
    public static Activity? StartActivity(string operation, string target, ActivityKind kind, ActivityContext parent) =>
        PortwayTracing.StartActivity(operation, target, kind, parent);

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

        if (_events.Enabled)
        {
            _events.Add(1, new KeyValuePair<string, object?>("kind", KindName(e.Kind)), new KeyValuePair<string, object?>("code", e.Code ?? "ok"));
        }

        foreach (var sink in _sinks)
        {
            sink.OnEvent(e);
        }
    }

    public void Dispose() => Meter.Dispose();

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
