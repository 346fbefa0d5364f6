using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Portway.Internal.Observability;
using Portway.Internal.Routing;
using Portway.Internal.Security;

namespace Portway.Internal.Transport.TcpLocal;

/// <summary>
/// The worker's side: connects back to the host, says hello (group, worker id, pid, the stages it serves),
/// sends heartbeats, runs each stage hop on its node (in parallel) and answers on the same link; a
/// <c>cancel</c> control stops a hop whose caller went away. Returns when the link closes or <c>stopping</c> fires.
/// </summary>
internal sealed partial class WorkerClient(
    WorkerBootstrap bootstrap,
    IReadOnlyList<string> stages,
    EnvelopeSigner signer,
    StageExecutor executor,
    int maxPayloadBytes,
    TimeProvider time,
    ILogger<WorkerClient> logger)
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
    private readonly HashSet<string> _serves = new(stages, StringComparer.Ordinal);

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

        await using var link = new TcpLink(socket, signer, maxPayloadBytes, TcpLocalProtocol.WorkerAccepts, logger, "host");
        using var hops = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        link.Start((l, envelope) =>
        {
            if (envelope.Kind == EnvelopeKind.Request)
            {
                _ = ServeAsync(l, envelope, hops.Token);
            }
            else if (envelope is { Kind: EnvelopeKind.Control, Route: TcpLocalProtocol.Cancel }
                && envelope.Headers.TryGetValue(TcpLocalProtocol.HopHeader, out var hop)
                && _running.TryGetValue(hop, out var running))
            {
                running.Cancel();
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
        return stopping.IsCancellationRequested ? null : reason ?? new IOException("the host closed the link");
    }

    private async Task ServeAsync(TcpLink link, Envelope hop, CancellationToken stopping)
    {
        if (!hop.Headers.TryGetValue(TcpLocalProtocol.HopHeader, out var id))
        {
            return;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _running[id] = cts;
        Envelope answer;
        try
        {
            var stage = hop.Headers.GetValueOrDefault(StageExecutor.PipelineHeader) + "." + hop.Headers.GetValueOrDefault(StageExecutor.StageHeader);
            if (!_serves.Contains(stage))
            {
                answer = hop.CreateAnswer(EnvelopeKind.Error, new PortwayError(ErrorCode.Forbidden, $"stage '{stage}' does not run in process group '{bootstrap.Group}'").ToPayload());
            }
            else
            {
                hop.Headers.TryGetValue(PipelineRouter.TraceParentHeader, out var traceparent);
                ActivityContext.TryParse(traceparent, null, isRemote: true, out var parent);
                using var activity = PortwayTelemetry.StartActivity("portway.worker", hop.Route, ActivityKind.Server, parent);
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

    private static Envelope Control(string route) => new()
    {
        Id = EnvelopeIds.NewId(),
        Kind = EnvelopeKind.Control,
        Route = route,
    };

    [LoggerMessage(EventId = EventIds.WorkerConnected, Level = LogLevel.Information, Message = "Worker {Worker} of group {Group} connected to the host, serving {Stages}")]
    private static partial void LogConnected(ILogger logger, string worker, string group, string stages);
}
