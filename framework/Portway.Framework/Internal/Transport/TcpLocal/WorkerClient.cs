using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Portway.Internal.Observability;
using Portway.Internal.Routing;
using Portway.Internal.Security;
using Portway.Observability;

namespace Portway.Internal.Transport.TcpLocal;

/// <summary>
/// The worker's side: connects back to the host, says hello (group, worker id, pid, the stages it serves),
/// sends heartbeats, runs each stage hop on its node and answers on the same link; a <c>cancel</c> control stops
/// a hop whose caller went away. Hops run off the link's reading thread, at most <see cref="MaxConcurrentHops"/>
/// at once (<see cref="MaxQueuedHops"/> more wait; one more is answered <c>unavailable</c> at once), so a slow
/// or CPU-heavy node never stops the reading of the other hops and cancels. Returns when the link closes or
/// <c>stopping</c> fires.
/// </summary>
internal sealed partial class WorkerClient(
    WorkerBootstrap bootstrap,
    IReadOnlyList<string> stages,
    EnvelopeSigner signer,
    StageExecutor executor,
    int maxPayloadBytes,
    TimeProvider time,
    PortwayTracer tracer,
    ILogger<WorkerClient> logger)
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    /// <summary>Hops a worker runs at once. Defaults to 64.</summary>
    public int MaxConcurrentHops { get; init; } = 64;

    /// <summary>Hops that may wait for a free slot; one more is answered <c>unavailable</c>. Defaults to 4096.</summary>
    public int MaxQueuedHops { get; init; } = 4096;

    /// <summary>How long a write to the host may make no progress before the host is taken as stuck (it stopped reading) and the link closed. Defaults to 5 s.</summary>
    public TimeSpan WriteStallTimeout { get; init; } = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
    private readonly HashSet<string> _serves = new(stages, StringComparer.Ordinal);
    private readonly LogRateLimiter _busyLog = new(time);

    /// <summary>Connects, serves until the link closes or <paramref name="stopping"/> fires; returns why the link closed (null: stopped).</summary>
    public async Task<Exception?> RunAsync(CancellationToken stopping)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // A blocking connect, off the caller's thread: the link uses the socket with blocking calls only
            // (see TcpLink), and one asynchronous call would switch it to non-blocking for good.
            using (stopping.UnsafeRegister(static s => ((Socket)s!).Dispose(), socket))
            {
                await Task.Run(() => socket.Connect(bootstrap.Host, bootstrap.Port), CancellationToken.None).ConfigureAwait(false);
            }

            // Stopped just as the connect succeeded: the registration may have disposed the socket already.
            stopping.ThrowIfCancellationRequested();

            // The admission token first: the host gives a connection a link only once it is proven.
            socket.Send(Convert.FromBase64String(bootstrap.AdmissionBase64));
        }
        catch (Exception ex) when (stopping.IsCancellationRequested && ex is SocketException or ObjectDisposedException)
        {
            socket.Dispose();
            throw new OperationCanceledException("stopped while connecting to the host", ex, stopping);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        // Declared first, disposed last: the link's reading thread (which links each hop's token to it) ends before.
        using var hops = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var stoppingHops = hops.Token;
        await using var link = new TcpLink(socket, signer, maxPayloadBytes, TcpLocalProtocol.WorkerAccepts, logger, "host") { WriteStallTimeout = WriteStallTimeout };
        var scheduler = new HopScheduler<Envelope>(MaxConcurrentHops, MaxQueuedHops, hop => ServeAsync(link, hop));
        link.Start((l, envelope) =>
        {
            if (envelope.Kind == EnvelopeKind.Request)
            {
                Schedule(l, scheduler, envelope, stoppingHops);
            }
            else if (envelope is { Kind: EnvelopeKind.Control, Route: TcpLocalProtocol.Cancel }
                && envelope.Headers.TryGetValue(TcpLocalProtocol.HopHeader, out var hop)
                && _running.TryGetValue(hop, out var running))
            {
                try
                {
                    // Callbacks on the hop's token run on the pool, not on this reading thread.
                    _ = running.CancelAsync();
                }
                catch (ObjectDisposedException)
                {
                    // The hop ended just now.
                }
            }

            return ValueTask.CompletedTask;
        });

        var hello = Control(TcpLocalProtocol.Hello);
        hello.Headers[TcpLocalProtocol.GroupHeader] = bootstrap.Group;
        hello.Headers[TcpLocalProtocol.WorkerHeader] = bootstrap.WorkerId;
        hello.Headers[TcpLocalProtocol.PidHeader] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        hello.Headers[TcpLocalProtocol.StagesHeader] = string.Join(',', stages);
        await link.SendAsync(hello, stopping).ConfigureAwait(false);
        LogConnected(logger, bootstrap.WorkerId, bootstrap.Group, string.Join(", ", stages));

        using var heartbeat = time.CreateTimer(_ => _ = link.SendAsync(Control(TcpLocalProtocol.Heartbeat)).AsTask(), null, HeartbeatInterval, HeartbeatInterval);
        Exception? reason;
        using (stopping.Register(() => link.Shutdown()))
        {
            reason = await link.Closed.ConfigureAwait(false);
        }

        await hops.CancelAsync().ConfigureAwait(false);
        CancelRunningHops();
        return stopping.IsCancellationRequested ? null : reason ?? new IOException("the host closed the link");
    }

    /// <summary>On the reading thread: registers the hop (a cancel finds it even while it waits) and hands it to the scheduler; never blocks.</summary>
    private void Schedule(TcpLink link, HopScheduler<Envelope> scheduler, Envelope hop, CancellationToken stopping)
    {
        if (!hop.Headers.TryGetValue(TcpLocalProtocol.HopHeader, out var id))
        {
            return;
        }

        // A source of its own, not linked to the stopping token (no registration on a token every hop shares): the stop
        // cancels every hop in _running after it fired (RunAsync); one added after that sweep sees the token fired here.
        var cts = new CancellationTokenSource();
        if (!_running.TryAdd(id, cts))
        {
            // A hop id already running (a replay would have been refused; the host never reuses one): ignored.
            cts.Dispose();
            return;
        }

        if (stopping.IsCancellationRequested)
        {
            cts.Cancel();
        }

        if (scheduler.TrySchedule(hop))
        {
            return;
        }

        _running.TryRemove(id, out _);
        cts.Dispose();
        if (_busyLog.TryAcquire(out _))
        {
            LogBusy(logger, bootstrap.WorkerId, scheduler.MaxConcurrency, scheduler.MaxQueued);
        }

        var busy = hop.CreateAnswer(EnvelopeKind.Error, new PortwayError(ErrorCode.Unavailable,
            $"worker {bootstrap.WorkerId} of group '{bootstrap.Group}' is busy ({scheduler.MaxConcurrency} hops running, {scheduler.MaxQueued} waiting)").ToPayload());
        busy.Headers[TcpLocalProtocol.HopHeader] = id;
        _ = link.TrySend(busy);
    }

    /// <summary>Cancels every hop registered now (the link closed or the worker stops); callbacks run on the pool.</summary>
    private void CancelRunningHops()
    {
        foreach (var (_, running) in _running)
        {
            try
            {
                _ = running.CancelAsync();
            }
            catch (ObjectDisposedException)
            {
                // The hop ended just now.
            }
        }
    }

    private async Task ServeAsync(TcpLink link, Envelope hop)
    {
        var id = hop.Headers[TcpLocalProtocol.HopHeader];
        if (!_running.TryGetValue(id, out var cts))
        {
            return;
        }

        Envelope answer;
        try
        {
            // Cancelled while it waited for a slot: nobody waits for its answer.
            cts.Token.ThrowIfCancellationRequested();

            if (!Serves(hop, out var stage))
            {
                answer = hop.CreateAnswer(EnvelopeKind.Error, new PortwayError(ErrorCode.Forbidden, $"stage '{stage}' does not run in process group '{bootstrap.Group}'").ToPayload());
            }
            else
            {
                var parent = default(ActivityContext);
                if (PortwayTelemetry.Source.HasListeners() && hop.Headers.TryGetValue(PipelineRouter.TraceParentHeader, out var traceparent))
                {
                    ActivityContext.TryParse(traceparent, null, isRemote: true, out parent);
                }

                using var activity = tracer.StartActivity("portway.worker", hop.Route, ActivityKind.Server, parent);
                activity?.SetTag("portway.group", bootstrap.Group);
                activity?.SetTag("portway.worker", bootstrap.WorkerId);
                answer = await executor.ExecuteAsync(hop, cts.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Cancelled by the host (its caller went away) or the worker is stopping: nobody waits for an answer.
            return;
        }
        finally
        {
            _running.TryRemove(id, out _);
            cts.Dispose();
        }

        answer.Headers[TcpLocalProtocol.HopHeader] = id;
        try
        {
            await link.SendAsync(answer, CancellationToken.None).ConfigureAwait(false);
        }
        catch (EnvelopeFormatException ex)
        {
            var error = hop.CreateAnswer(EnvelopeKind.Error, ex.ToError().ToPayload());
            error.Headers[TcpLocalProtocol.HopHeader] = id;
            await link.SendAsync(error, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Whether this worker serves the hop's <c>PIPELINE.STAGE</c> (named in <paramref name="stage"/>), without building the name when it does.</summary>
    private bool Serves(Envelope hop, out string stage)
    {
        var pipeline = hop.Headers.GetValueOrDefault(StageExecutor.PipelineHeader) ?? "";
        var name = hop.Headers.GetValueOrDefault(StageExecutor.StageHeader) ?? "";
        var length = pipeline.Length + 1 + name.Length;
        if (length <= 256)
        {
            Span<char> buffer = stackalloc char[length];
            pipeline.CopyTo(buffer);
            buffer[pipeline.Length] = '.';
            name.CopyTo(buffer[(pipeline.Length + 1)..]);
            if (_serves.GetAlternateLookup<ReadOnlySpan<char>>().Contains(buffer))
            {
                stage = "";
                return true;
            }
        }

        stage = pipeline + "." + name;
        return _serves.Contains(stage);
    }

    private static Envelope Control(string route) => new()
    {
        Id = EnvelopeIds.NewId(),
        Kind = EnvelopeKind.Control,
        Route = route,
    };

    [LoggerMessage(EventId = EventIds.WorkerBusy, Level = LogLevel.Warning, Message = "Worker {Worker} is busy ({Running} hops running, {Queued} waiting): a hop was answered unavailable")]
    private static partial void LogBusy(ILogger logger, string worker, int running, int queued);

    [LoggerMessage(EventId = EventIds.WorkerConnected, Level = LogLevel.Information, Message = "Worker {Worker} of group {Group} connected to the host, serving {Stages}")]
    private static partial void LogConnected(ILogger logger, string worker, string group, string stages);
}
