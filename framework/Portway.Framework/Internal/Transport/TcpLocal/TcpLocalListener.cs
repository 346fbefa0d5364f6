using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portway.Configuration;
using Portway.Internal.Observability;
using Portway.Internal.Security;

namespace Portway.Internal.Transport.TcpLocal;

/// <summary>
/// The host's tcp_local listener, on <c>bind_host</c>:<c>bind_port</c>. A connection becomes a worker once
/// its first verified envelope is a <c>hello</c> control naming a process group that runs stages (only a
/// holder of the HMAC secret can sign one); until then nothing is routed to it, and a peer that does not
/// say hello within <see cref="HelloTimeout"/> is disconnected. Heartbeats keep a worker alive; a worker
/// silent for <see cref="HeartbeatTimeout"/> is disconnected and its hops answered <c>unavailable</c>.
/// </summary>
internal sealed partial class TcpLocalListener(
    PortwayConfig config,
    IpcSecret secret,
    WorkerPool pool,
    TimeProvider time,
    ILoggerFactory loggers,
    PortwayTelemetry? telemetry = null,
    IpcRefusals? refusals = null) : IHostedService, IAsyncDisposable
{
    /// <summary>The tokens of the children expected to connect (the supervisor issues one per child it starts).</summary>
    public WorkerAdmission Admission { get; } = new();

    /// <summary>How long a new connection may take to send its admission token. Defaults to 2 s.</summary>
    public TimeSpan AdmissionTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Connections that may wait for their admission token at once (the oldest makes room for a new one). Defaults to 1024.</summary>
    public int MaxWaitingForAdmission { get; init; } = 1024;

    /// <summary>Connections refused so far (no or a wrong admission token, pushed out, over the hello cap, no valid hello).</summary>
    public long RefusedConnections => _refusals.RefusedConnections;

    /// <summary>How long a new connection may take to say hello. Defaults to 10 s.</summary>
    public TimeSpan HelloTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a worker may stay silent (its heartbeat is every second). Defaults to 10 s.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a write to a worker may make no progress before the worker is taken as stuck (it stopped reading) and its link closed. Defaults to 5 s.</summary>
    public TimeSpan WriteStallTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Connections allowed to wait for their hello at once; one more is closed as it is accepted. Every link has a
    /// reading thread of its own, so a flood of silent local connections must not turn into a flood of threads.
    /// </summary>
    public int MaxPendingHellos { get; init; } = 32;

    /// <summary>Connections accepted that have not said their hello yet.</summary>
    public int PendingHellos => Volatile.Read(ref _pendingHellos);

    private readonly ILogger _logger = loggers.CreateLogger<TcpLocalListener>();
    private readonly IpcRefusals _refusals = refusals ?? new IpcRefusals();
    private readonly LogRateLimiter _logLimit = new(time);
    private AdmissionGate? _gate;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<TcpLink> _links = [];
    private Socket? _listener;
    private ITimer? _monitor;
    private Task _accepting = Task.CompletedTask;
    private EnvelopeSigner? _signer;
    private long _rejectedOnClosedLinks;
    private int _pendingHellos;
    private int _stopped;

    /// <summary>The process groups a hello is checked against: the config's, until a reload that rolls workers sets its own.</summary>
    public IReadOnlyList<ProcessGroupConfig> ProcessGroups
    {
        get => Volatile.Read(ref _processGroups) ?? config.Runtime.Platform.ProcessGroups;
        set => Volatile.Write(ref _processGroups, value);
    }

    private IReadOnlyList<ProcessGroupConfig>? _processGroups;

    /// <summary>The bound endpoint (known after start; port 0 resolves to the ephemeral port).</summary>
    public IPEndPoint? EndPoint { get; private set; }

    /// <summary>Frames refused on every connection so far.</summary>
    public long RejectedFrames
    {
        get
        {
            lock (_links) return Interlocked.Read(ref _rejectedOnClosedLinks) + _links.Sum(l => l.RejectedFrames);
        }
    }

    /// <summary>Raised when a worker said hello: worker id and pid.</summary>
    public event Action<string, int>? WorkerReady;

    /// <summary>Raised when a ready worker's link closes: worker id, pid and why.</summary>
    public event Action<string, int, string>? WorkerLost;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var ipc = config.Runtime.Platform.ExecutionIpc;
        _signer = new EnvelopeSigner(secret.Key, time, TimeSpan.FromSeconds(ipc.Auth.TtlSeconds), ipc.Auth.NonceCacheSize);
        var address = ipc.BindHost == "localhost" ? IPAddress.Loopback : IPAddress.Parse(ipc.BindHost);
        _listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.Bind(new IPEndPoint(address, ipc.BindPort));
            _listener.Listen(128);
        }
        catch (SocketException ex)
        {
            _listener.Dispose();
            throw new InvalidOperationException($"tcp_local cannot listen on {address}:{ipc.BindPort} (execution_ipc.bind_host / bind_port): {ex.Message}", ex);
        }

        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        LogListening(_logger, EndPoint.ToString());
        telemetry?.Meter.CreateObservableCounter("portway.tcp_local.frames_rejected",
            () => _refusals.RejectedFramesByReason().Select(r => new System.Diagnostics.Metrics.Measurement<long>(r.Value, new KeyValuePair<string, object?>("reason", r.Key))),
            description: "Frames refused by the tcp_local listener, by reason (bad_signature, ts_expired, replayed, malformed, ...)");
        telemetry?.Meter.CreateObservableCounter("portway.tcp_local.connections_refused", () => RefusedConnections, description: "Connections refused by the tcp_local listener");
        telemetry?.Meter.CreateObservableCounter("portway.tcp_local.peers_stalled", () => _refusals.StalledPeers, description: "Worker links declared dead because the worker stopped reading (write stall deadline)");
        _gate = new AdmissionGate(Admission, time, MaxWaitingForAdmission, AdmissionTimeout, Accept, why => Refused(why));
        _accepting = Task.Run(AcceptLoopAsync, CancellationToken.None);
        var tick = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMilliseconds(500).Ticks, HeartbeatTimeout.Ticks / 4));
        _monitor = time.CreateTimer(_ => CheckHeartbeats(), null, tick, tick);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        _monitor?.Dispose();
        _gate?.Dispose();
        TcpLink[] links;
        lock (_links) links = [.. _links];
        foreach (var link in links) link.Shutdown();
        await _accepting.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException || (ex is SocketException && _stopping.IsCancellationRequested))
            {
                return;
            }
            catch (SocketException ex)
            {
                // A connection reset before it was accepted, or out of file descriptors: keep listening.
                LogAcceptFailed(_logger, ex.SocketErrorCode.ToString());
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50), time, _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            _gate!.Add(socket);
        }
    }

    /// <summary>Counts a refused connection; logs it at a bounded rate (a flood costs a counter, not a line each).</summary>
    private void Refused(string why)
    {
        _refusals.ConnectionRefused();
        if (_logLimit.TryAcquire(out var dropped))
        {
            LogWorkerRefused(_logger, why, dropped == 0 ? "" : $" ({dropped} similar refusals not logged)");
        }
    }

    private void Accept(Socket socket)
    {
        if (Interlocked.Increment(ref _pendingHellos) > MaxPendingHellos)
        {
            Interlocked.Decrement(ref _pendingHellos);
            Refused($"{socket.RemoteEndPoint}: {MaxPendingHellos} connections are already waiting for their hello");
            socket.Dispose();
            return;
        }

        var pending = 1;
        void Settled()
        {
            if (Interlocked.Exchange(ref pending, 0) == 1)
            {
                Interlocked.Decrement(ref _pendingHellos);
            }
        }

        var ipc = config.Runtime.Platform.ExecutionIpc;
        var link = new TcpLink(socket, _signer!, ipc.MaxPayloadBytes, TcpLocalProtocol.HostAccepts, _logger, "peer " + socket.RemoteEndPoint)
        {
            Refusals = _refusals,
            LogLimit = _logLimit,
            WriteStallTimeout = WriteStallTimeout,
        };
        WorkerConnection? worker = null;
        lock (_links) _links.Add(link);
        var helloTimer = time.CreateTimer(_ =>
        {
            if (Volatile.Read(ref worker) is null)
            {
                _refusals.ConnectionRefused();
                link.Shutdown(new TimeoutException("no hello in time"));
            }
        }, null, HelloTimeout, Timeout.InfiniteTimeSpan);
        link.Start((l, envelope) =>
        {
            var current = Volatile.Read(ref worker);
            if (current is null)
            {
                current = Hello(l, envelope);
                if (current is not null)
                {
                    Volatile.Write(ref worker, current);
                    helloTimer.Dispose();
                    Settled();
                    pool.Add(current);
                    LogWorkerReady(_logger, current.WorkerId, current.Group, current.Pid);
                    WorkerReady?.Invoke(current.WorkerId, current.Pid);
                }

                return ValueTask.CompletedTask;
            }

            current.Seen(time.GetTimestamp());
            if (envelope.Kind is EnvelopeKind.Reply or EnvelopeKind.Error)
            {
                current.Complete(envelope);
            }

            return ValueTask.CompletedTask;
        });

        _ = link.Closed.ContinueWith(t =>
        {
            helloTimer.Dispose();
            Settled();
            lock (_links)
            {
                _links.Remove(link);
                Interlocked.Add(ref _rejectedOnClosedLinks, link.RejectedFrames);
            }

            if (Volatile.Read(ref worker) is { } gone)
            {
                var why = t.Result?.Message ?? "closed";
                pool.Remove(gone);
                var failed = gone.FailAll($"worker {gone.WorkerId} of process group '{gone.Group}' went away ({why})");
                LogWorkerLinkLost(_logger, gone.WorkerId, gone.Group, why, failed);
                WorkerLost?.Invoke(gone.WorkerId, gone.Pid, why);
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The worker a first envelope introduces, or null (and the link closed) when it is not a valid hello.</summary>
    private WorkerConnection? Hello(TcpLink link, Envelope envelope)
    {
        var groups = ProcessGroups;
        if (envelope is not { Kind: EnvelopeKind.Control, Route: TcpLocalProtocol.Hello }
            || !envelope.Headers.TryGetValue(TcpLocalProtocol.GroupHeader, out var group)
            || !envelope.Headers.TryGetValue(TcpLocalProtocol.WorkerHeader, out var id)
            || group == ProcessGroupConfig.WebGroup
            || groups.FirstOrDefault(g => g.Name == group) is not { Stages.Count: > 0 } declared)
        {
            Refused($"{link.Name}: the first envelope was not a hello for a process group that runs stages");
            link.Shutdown(new InvalidOperationException("the first envelope was not a valid hello"));
            return null;
        }

        var stages = envelope.Headers.GetValueOrDefault(TcpLocalProtocol.StagesHeader, "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var missing = declared.Stages.Except(stages, StringComparer.Ordinal).ToArray();
        if (missing.Length > 0)
        {
            Refused($"{link.Name}: worker {id} of group '{group}' does not serve {string.Join(", ", missing)}");
            link.Shutdown(new InvalidOperationException("the worker does not serve its group's stages"));
            return null;
        }

        _ = int.TryParse(envelope.Headers.GetValueOrDefault(TcpLocalProtocol.PidHeader), CultureInfo.InvariantCulture, out var pid);
        link.Name = $"worker {id} (group {group}, pid {pid})";
        return new WorkerConnection(link, group, id, pid, stages, time.GetTimestamp());
    }

    private void CheckHeartbeats()
    {
        var now = time.GetTimestamp();
        foreach (var worker in pool.All)
        {
            if (time.GetElapsedTime(worker.LastSeen, now) > HeartbeatTimeout)
            {
                worker.Link.Shutdown(new TimeoutException($"no heartbeat for {HeartbeatTimeout.TotalSeconds:0} s"));
            }
        }
    }

    [LoggerMessage(EventId = EventIds.WorkerListening, Level = LogLevel.Information, Message = "tcp_local listening on {EndPoint}")]
    private static partial void LogListening(ILogger logger, string endPoint);

    [LoggerMessage(EventId = EventIds.AcceptFailed, Level = LogLevel.Warning, Message = "tcp_local accept failed ({Error}); still listening")]
    private static partial void LogAcceptFailed(ILogger logger, string error);

    [LoggerMessage(EventId = EventIds.WorkerReady, Level = LogLevel.Information, Message = "Worker {Worker} of group {Group} (pid {Pid}) is ready")]
    private static partial void LogWorkerReady(ILogger logger, string worker, string group, int pid);

    [LoggerMessage(EventId = EventIds.WorkerRefused, Level = LogLevel.Warning, Message = "tcp_local connection refused: {Why}{Dropped}")]
    private static partial void LogWorkerRefused(ILogger logger, string why, string dropped);

    [LoggerMessage(EventId = EventIds.WorkerLinkLost, Level = LogLevel.Warning, Message = "Worker {Worker} of group {Group} is gone: {Reason}; {Failed} hop(s) in flight answered unavailable")]
    private static partial void LogWorkerLinkLost(ILogger logger, string worker, string group, string reason, int failed);
}
