using System.Text.Json;
using Portway.Configuration;
using Portway.Internal.Lifecycle;
using Portway.Internal.Observability;
using Portway.Internal.Supervision;
using Portway.Internal.Transport.TcpLocal;
using Portway.Transport;

namespace Portway.Observability;

/// <summary>
/// The runtime's state now, as the <c>/stats</c> JSON object: pending waiters, draining, requests by outcome, live
/// counts (WebSocket connections, GraphQL operations), each process group with its workers, and each endpoint's
/// requests by outcome with latency percentiles. Adapters serve it; the framework keeps it.
/// </summary>
public sealed class PortwayStats
{
    private readonly PortwayConfig _config;
    private readonly Internal.Hosting.ConfigReloader? _reloader;
    private readonly RuntimeStats _stats;
    private readonly DrainCoordinator _drain;
    private readonly WorkerSupervisor? _supervisor;
    private readonly WorkerPool? _pool;
    private readonly IPortwayStatsSection[] _sections;
    private readonly IProcessGroupStatus[] _groupStatus;

    internal PortwayStats(PortwayConfig config, RuntimeStats stats, DrainCoordinator drain, WorkerSupervisor? supervisor, WorkerPool? pool,
        IEnumerable<IPortwayStatsSection>? sections = null, Internal.Hosting.ConfigReloader? reloader = null, IEnumerable<IProcessGroupStatus>? groupStatus = null)
    {
        _groupStatus = groupStatus?.ToArray() ?? [];
        _sections = sections?.ToArray() ?? [];
        _config = config;
        _reloader = reloader;
        _stats = stats;
        _drain = drain;
        _supervisor = supervisor;
        _pool = pool;
    }

    /// <summary>Callers waiting for an answer now.</summary>
    public int PendingWaiters => _stats.PendingWaiters;

    /// <summary>True once the host began stopping.</summary>
    public bool IsDraining => _drain.IsDraining;

    /// <summary>
    /// Writes the state as one JSON object (the <c>/stats</c> body); <paramref name="more"/>, when given, writes an
    /// adapter's own sections (e.g. the boundary policies' rejections) into the same object.
    /// </summary>
    public void WriteJson(Utf8JsonWriter writer, Action<Utf8JsonWriter>? more = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber("pending_waiters", _stats.PendingWaiters);
        writer.WriteBoolean("draining", _drain.IsDraining);
        writer.WriteStartObject("requests");
        foreach (var (outcome, count) in _stats.Snapshot()) writer.WriteNumber(outcome, count);
        writer.WriteEndObject();
        writer.WriteStartObject("live");
        writer.WriteNumber(PortwayGauges.WebSocketConnections, _stats.Gauges.Get(PortwayGauges.WebSocketConnections));
        writer.WriteNumber(PortwayGauges.GraphQLOperations, _stats.Gauges.Get(PortwayGauges.GraphQLOperations));
        writer.WriteNumber(PortwayGauges.WebSocketReadsPaused, _stats.Gauges.Get(PortwayGauges.WebSocketReadsPaused));
        foreach (var (name, value) in _stats.Gauges.Snapshot().Where(g => g.Key is not (PortwayGauges.WebSocketConnections or PortwayGauges.GraphQLOperations or PortwayGauges.WebSocketReadsPaused)))
        {
            writer.WriteNumber(name, value);
        }

        writer.WriteEndObject();
        writer.WriteStartObject("tcp_local");
        writer.WriteNumber("refused_connections", _stats.Ipc.RefusedConnections);
        writer.WriteNumber("rejected_frames", _stats.Ipc.RejectedFrames);
        writer.WriteNumber("stalled_peers", _stats.Ipc.StalledPeers);
        writer.WriteStartObject("rejected_frames_by_reason");
        foreach (var (reason, count) in _stats.Ipc.RejectedFramesByReason().Where(r => r.Value > 0)) writer.WriteNumber(reason, count);
        writer.WriteEndObject();
        writer.WriteEndObject();
        WriteProcessGroups(writer);
        WriteEndpoints(writer);
        foreach (var section in _sections)
        {
            writer.WritePropertyName(section.Name);
            section.Write(writer);
        }

        more?.Invoke(writer);
        writer.WriteEndObject();
    }

    private void WriteProcessGroups(Utf8JsonWriter writer)
    {
        var workers = _supervisor?.Workers ?? [];
        var links = _pool?.All ?? [];
        writer.WriteStartArray("process_groups");
        // The groups, stages and replicas of the config serving now (a reload may have changed them), not the startup one's.
        var config = _reloader?.CurrentOrNull ?? _config;
        var transport = config.Runtime.Platform.ExecutionIpc.Transport;
        // A transport whose workers may run anywhere (redis) says what it sees; tcp_local's are this host's children.
        var remote = Array.Find(_groupStatus, s => s.Transport == transport);
        foreach (var group in config.Runtime.Platform.ProcessGroups)
        {
            writer.WriteStartObject();
            writer.WriteString("name", group.Name);
            writer.WriteString("runs_in", group.Name == ProcessGroupConfig.WebGroup ? "host" : "workers");
            writer.WriteStartArray("stages");
            foreach (var stage in group.Stages) writer.WriteStringValue(stage);
            writer.WriteEndArray();
            if (group.Name != ProcessGroupConfig.WebGroup)
            {
                writer.WriteString("transport", transport);
                writer.WriteNumber("replicas", group.Replicas);
                if (remote is not null)
                {
                    WriteRemoteWorkers(writer, remote.Workers(group.Name));
                    writer.WriteEndObject();
                    continue;
                }

                writer.WriteNumber("ready", _pool?.ReadyCount(group.Name) ?? 0);
            }

            writer.WriteStartArray("workers");
            foreach (var worker in workers.Where(w => w.Group == group.Name))
            {
                WriteWorker(writer, new LocalWorkerStatus(worker.WorkerId, worker.Pid, worker.State, worker.Restarts),
                    links.Where(l => l.WorkerId == worker.WorkerId && l.Pid == worker.Pid && !l.IsDead).Sum(l => l.InFlight));
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// <c>ready</c> (every worker the transport sees, on any machine), <c>hops_in_flight</c> (this host's hops awaiting
    /// an answer from the group, when the transport knows) and <c>workers</c> (this host's replicas).
    /// </summary>
    private static void WriteRemoteWorkers(Utf8JsonWriter writer, ProcessGroupWorkers workers)
    {
        writer.WriteNumber("ready", workers.Ready);
        if (workers.HopsInFlight is { } hops) writer.WriteNumber("hops_in_flight", hops);
        writer.WriteStartArray("workers");
        // The host does not know which worker holds which hop (the group's stream does): hops_in_flight is null.
        foreach (var worker in workers.Local) WriteWorker(writer, worker, hopsInFlight: null);
        writer.WriteEndArray();
    }

    private static void WriteWorker(Utf8JsonWriter writer, LocalWorkerStatus worker, int? hopsInFlight)
    {
        writer.WriteStartObject();
        writer.WriteString("id", worker.Id);
        if (worker.Pid is { } pid) writer.WriteNumber("pid", pid);
        else writer.WriteNull("pid");
        writer.WriteString("state", worker.State);
        writer.WriteNumber("restarts", worker.Restarts);
        if (hopsInFlight is { } hops) writer.WriteNumber("hops_in_flight", hops);
        else writer.WriteNull("hops_in_flight");
        writer.WriteEndObject();
    }

    private void WriteEndpoints(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("endpoints");
        foreach (var endpoint in _stats.Endpoints)
        {
            var (byOutcome, total, p50, p90, p99) = endpoint.Snapshot();
            writer.WriteStartObject();
            writer.WriteString("interface", endpoint.Interface);
            writer.WriteString("route", endpoint.Route);
            writer.WriteNumber("total", total);
            writer.WriteStartObject("requests");
            foreach (var (outcome, count) in byOutcome) writer.WriteNumber(outcome, count);
            writer.WriteEndObject();
            writer.WriteStartObject("latency_ms");
            WriteNullable(writer, "p50", p50);
            WriteNullable(writer, "p90", p90);
            WriteNullable(writer, "p99", p99);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v) writer.WriteNumber(name, v);
        else writer.WriteNull(name);
    }
}
