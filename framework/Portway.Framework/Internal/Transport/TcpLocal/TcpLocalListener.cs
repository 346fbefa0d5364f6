using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portway.Configuration;
using Portway.Internal.Security;

namespace Portway.Internal.Transport.TcpLocal;

/// <summary>
/// The host's tcp_local listener. A connection becomes a worker once its first verified envelope is a
/// <c>hello</c> control (only a holder of the HMAC secret can sign one); until then, and for a peer
/// that never says hello in time, nothing is routed to it. Heartbeats keep a worker alive; a worker
/// silent for <see cref="HeartbeatTimeout"/> is disconnected and its hops answered <c>unavailable</c>.
/// </summary>
internal sealed partial class TcpLocalListener(
    PortwayConfig config,
    IpcSecret secret,
    WorkerPool pool,
    TimeProvider time,
    ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    public static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(3);

    private readonly ILogger _logger = loggers.CreateLogger<TcpLocalListener>();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<TcpLink> _links = [];
    private Socket? _listener;
    private ITimer? _monitor;
    private Task _accepting = Task.CompletedTask;
    private EnvelopeSigner? _signer;

    /// <summary>The bound endpoint (known after start; port 0 resolves to the ephemeral port).</summary>
    public IPEndPoint? EndPoint { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var ipc = config.Runtime.Platform.ExecutionIpc;
        _signer = new EnvelopeSigner(secret.Key, time, TimeSpan.FromSeconds(ipc.Auth.TtlSeconds), ipc.Auth.NonceCacheSize);
        var address = IPAddress.Parse(ipc.BindHost == "localhost" ? "127.0.0.1" : ipc.BindHost);
        _listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(address, ipc.BindPort));
        _listener.Listen(128);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        LogListening(_logger, EndPoint.ToString());
        _accepting = Task.Run(AcceptLoopAsync);
        _monitor = time.CreateTimer(_ => CheckHeartbeats(), null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        _monitor?.Dispose();
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
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Accept(socket);
        }
    }

    private void Accept(Socket socket)
    {
        var ipc = config.Runtime.Platform.ExecutionIpc;
        var link = new TcpLink(socket, _signer!, ipc.MaxPayloadBytes, _logger, "peer " + socket.RemoteEndPoint);
        WorkerConnection? worker = null;
        lock (_links) _links.Add(link);
        var helloTimer = time.CreateTimer(_ => { if (Volatile.Read(ref worker) is null) link.Shutdown(new TimeoutException("no hello in time")); }, null, HelloTimeout, Timeout.InfiniteTimeSpan);
        link.Start((l, envelope) =>
        {
            var current = Volatile.Read(ref worker);
            if (current is null)
            {
                if (envelope is { Kind: EnvelopeKind.Control, Route: TcpLocalProtocol.Hello }
                    && envelope.Headers.TryGetValue(TcpLocalProtocol.GroupHeader, out var group)
                    && envelope.Headers.TryGetValue(TcpLocalProtocol.WorkerHeader, out var id))
                {
                    _ = int.TryParse(envelope.Headers.GetValueOrDefault(TcpLocalProtocol.PidHeader), System.Globalization.CultureInfo.InvariantCulture, out var pid);
                    current = new WorkerConnection(l, group, id, pid, time.GetTimestamp());
                    l.Name = $"worker {id} (group {group}, pid {pid})";
                    Volatile.Write(ref worker, current);
                    helloTimer.Dispose();
                    pool.Add(current);
                    LogWorkerReady(_logger, id, group, pid);
                }
                else
                {
                    l.Shutdown(new InvalidOperationException("the first envelope was not a hello"));
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
            lock (_links) _links.Remove(link);
            if (Volatile.Read(ref worker) is { } gone)
            {
                pool.Remove(gone);
                gone.FailAll($"worker {gone.WorkerId} of group '{gone.Group}' went away: {t.Result?.Message ?? "closed"}");
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
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

    [LoggerMessage(EventId = EventIds.WorkerReady, Level = LogLevel.Information, Message = "Worker {Worker} of group {Group} (pid {Pid}) is ready")]
    private static partial void LogWorkerReady(ILogger logger, string worker, string group, int pid);
}
