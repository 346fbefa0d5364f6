using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Portway.Internal.Routing;
using Portway.Internal.Security;

namespace Portway.Internal.Transport.TcpLocal;

/// <summary>
/// The worker's side: connects back to the host, says hello, sends heartbeats, runs each stage hop on
/// its node (in parallel) and answers on the same link. Returns when the link closes or <c>stopping</c> fires.
/// </summary>
internal sealed partial class WorkerClient(
    WorkerBootstrap bootstrap,
    EnvelopeSigner signer,
    StageExecutor executor,
    int maxPayloadBytes,
    TimeProvider time,
    ILogger<WorkerClient> logger)
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(500);

    public async Task<Exception?> RunAsync(CancellationToken stopping)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(bootstrap.Host, bootstrap.Port, stopping).ConfigureAwait(false);
        await using var link = new TcpLink(socket, signer, maxPayloadBytes, logger, "host");
        using var hops = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        link.Start((l, envelope) =>
        {
            if (envelope.Kind == EnvelopeKind.Request)
            {
                _ = ServeAsync(l, envelope, hops.Token);
            }

            return ValueTask.CompletedTask;
        });

        var hello = Control(TcpLocalProtocol.Hello);
        hello.Headers[TcpLocalProtocol.GroupHeader] = bootstrap.Group;
        hello.Headers[TcpLocalProtocol.WorkerHeader] = bootstrap.WorkerId;
        hello.Headers[TcpLocalProtocol.PidHeader] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await link.SendAsync(hello, stopping).ConfigureAwait(false);
        LogConnected(logger, bootstrap.WorkerId, bootstrap.Group);

        using var heartbeat = time.CreateTimer(_ => _ = link.SendAsync(Control(TcpLocalProtocol.Heartbeat)).AsTask(), null, HeartbeatInterval, HeartbeatInterval);
        using var registration = stopping.Register(() => link.Shutdown());
        var reason = await link.Closed.ConfigureAwait(false);
        await hops.CancelAsync().ConfigureAwait(false);
        return reason;
    }

    private async Task ServeAsync(TcpLink link, Envelope hop, CancellationToken cancellationToken)
    {
        Envelope answer;
        try
        {
            answer = await executor.ExecuteAsync(hop, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (hop.Headers.TryGetValue(TcpLocalProtocol.HopHeader, out var id))
        {
            answer.Headers[TcpLocalProtocol.HopHeader] = id;
        }

        await link.SendAsync(answer, CancellationToken.None).ConfigureAwait(false);
    }

    private static Envelope Control(string route) => new()
    {
        Id = EnvelopeIds.NewId(),
        Kind = EnvelopeKind.Control,
        Route = route,
    };

    [LoggerMessage(EventId = EventIds.WorkerStarted, Level = LogLevel.Information, Message = "Worker {Worker} of group {Group} connected to the host")]
    private static partial void LogConnected(ILogger logger, string worker, string group);
}
