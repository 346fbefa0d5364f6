using System.Buffers;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Portway.Internal.Security;

using Portway.Internal.Observability;

namespace Portway.Internal.Transport.TcpLocal;

/// <summary>
/// One HMAC-framed TCP connection: a reading thread of its own parses and verifies every complete frame and
/// hands each envelope to the handler; a send loop on the thread pool writes the signed frames senders queue,
/// a burst in one write. Many envelopes in flight each way; a refused frame is counted, logged and (when it
/// parsed) answered, while other traffic goes on; a peer that sends only refused frames, or bytes that are not
/// frames, is disconnected; a peer that stops reading (a write makes no progress for
/// <see cref="WriteStallTimeout"/>) is declared dead.
/// </summary>
/// <remarks>
/// The socket stays in blocking mode for the reading thread's sake: a frame that arrives wakes the reading thread
/// straight from the kernel, no hand-off from the socket event loop to the thread pool per read (any asynchronous
/// operation on a .NET socket would switch its descriptor to non-blocking for good; see <see cref="NonBlockingSend"/>).
/// The handler must not block that thread (the worker hands each hop to a bounded scheduler, the host only completes
/// waiters). Senders never block either: they sign into a pooled buffer and queue it (a bounded queue: a full one
/// makes an asynchronous sender wait, <see cref="TrySend"/> refuses). The writes stay on the pool: a send loop that
/// wakes now and then takes a batch, where a thread woken per frame would not (a writing thread of its own per link
/// measured ~25 % more CPU per tcp_local request, issue 11). Its writes never block a pool thread: each is a
/// non-blocking <c>send</c> on the blocking socket (<c>MSG_DONTWAIT</c>); what the peer's window does not take waits
/// for room on a thread of the link's own, started at its first stall (<see cref="WriteReadiness"/>), and a write
/// that moves no byte for <see cref="WriteStallTimeout"/> declares the link dead. A link carries a worker's whole
/// traffic, so a thread per link is few; pre-hello connections are capped by the listener.
/// </remarks>
internal sealed partial class TcpLink : IAsyncDisposable
{
    /// <summary>Refused frames in a row after which the peer is disconnected.</summary>
    public const int MaxConsecutiveRejects = 8;

    private const int SendQueueCapacity = 4096;

    private readonly Socket _socket;
    private readonly SafeSocketHandle _handle;
    private readonly EnvelopeSigner _signer;
    private readonly FrameVerifier _verifier;
    private readonly int _maxBodyLength;
    private readonly int _maxPayloadBytes;
    private readonly ILogger _logger;

    private readonly Channel<(byte[] Buffer, int Length)> _sendQueue =
        Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(SendQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _received = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Func<TcpLink, Envelope, ValueTask>? _onEnvelope;
    private Task _sending = Task.CompletedTask;
    private WriteReadiness? _writeReadiness;
    private int _consecutiveRejects;
    private long _rejected;
    private int _shutdown;
    private int _started;
    private bool _authenticated;

    public TcpLink(Socket socket, EnvelopeSigner signer, int maxPayloadBytes, IReadOnlySet<EnvelopeKind> allowedKinds, ILogger logger, string name)
    {
        _socket = socket;
        _handle = socket.SafeHandle;
        _socket.NoDelay = true;
        _signer = signer;
        _verifier = new FrameVerifier(signer, maxPayloadBytes, allowedKinds);
        _maxPayloadBytes = maxPayloadBytes;
        _maxBodyLength = FrameCodec.MaxBodyLength(maxPayloadBytes);
        _logger = logger;
        Name = name;
    }

    /// <summary>
    /// How long one write may make no progress before the peer is taken as stuck (it stopped reading) and the link
    /// is closed. Defaults to 5 s.
    /// </summary>
    public TimeSpan WriteStallTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>For logs: who is on the other end.</summary>
    public string Name { get; set; }

    /// <summary>Where refused frames are counted for <c>/stats</c> (the host's links); null: only <see cref="RejectedFrames"/>.</summary>
    public IpcRefusals? Refusals { get; init; }

    /// <summary>Bounds how often refusals and closes are logged (shared by the host's links); null: every one is logged.</summary>
    public LogRateLimiter? LogLimit { get; init; }

    /// <summary>Frames refused since the link opened.</summary>
    public long RejectedFrames => Interlocked.Read(ref _rejected);

    /// <summary>Completes once the link is closed (with the reason, null for a clean close).</summary>
    public Task<Exception?> Closed => _closed.Task;

    public bool IsClosed => _closed.Task.IsCompleted;

    /// <summary>
    /// Starts the reading thread and the send loop; <paramref name="onEnvelope"/> gets each verified envelope, in
    /// order, on the reading thread (it must not block: the link's other traffic waits behind it).
    /// </summary>
    public void Start(Func<TcpLink, Envelope, ValueTask> onEnvelope)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("the link is already started");
        }

        _onEnvelope = onEnvelope;
        if (!NonBlockingSend.IsSupported)
        {
            // Blocking writes (see WriteAsync) are bounded by the kernel's send timeout instead.
            _socket.SendTimeout = (int)Math.Clamp(WriteStallTimeout.TotalMilliseconds, 1, int.MaxValue);
        }

        // No execution context flows into the thread: nothing of the starter's (activity, scope) leaks into every hop.
        var reading = new Thread(() =>
        {
            try
            {
                ReceiveLoop();
            }
            finally
            {
                _received.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = "Portway tcp_local receive",
        };
        reading.UnsafeStart();
        _sending = Task.Run(SendLoopAsync);
    }

    /// <summary>
    /// Signs and queues <paramref name="envelope"/>; false when the link is closed. Waits (asynchronously) only
    /// when <see cref="SendQueueCapacity"/> frames are already queued. Throws
    /// <see cref="Security.EnvelopeFormatException"/> for an envelope the peer would refuse (too large).
    /// </summary>
    public async ValueTask<bool> SendAsync(Envelope envelope, CancellationToken cancellationToken = default)
    {
        if (IsClosed)
        {
            return false;
        }

        _signer.Stamp(envelope);
        var frame = FrameCodec.Encode(envelope, _signer, _maxPayloadBytes);
        try
        {
            if (!_sendQueue.Writer.TryWrite(frame))
            {
                await _sendQueue.Writer.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (Exception ex) when (ex is ChannelClosedException or OperationCanceledException)
        {
            ArrayPool<byte>.Shared.Return(frame.Buffer);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            return false;
        }
    }

    /// <summary>
    /// Signs and queues <paramref name="envelope"/> when there is room, without waiting (for the reading thread);
    /// false when the link is closed or its queue is full. Throws <see cref="Security.EnvelopeFormatException"/>
    /// for an envelope the peer would refuse.
    /// </summary>
    public bool TrySend(Envelope envelope)
    {
        if (IsClosed)
        {
            return false;
        }

        _signer.Stamp(envelope);
        var frame = FrameCodec.Encode(envelope, _signer, _maxPayloadBytes);
        if (!_sendQueue.Writer.TryWrite(frame))
        {
            ArrayPool<byte>.Shared.Return(frame.Buffer);
            return false;
        }

        return true;
    }

    /// <summary>Closes the link; safe to call more than once and from any thread.</summary>
    public void Shutdown(Exception? reason = null)
    {
        if (Interlocked.Exchange(ref _shutdown, 1) != 0)
        {
            return;
        }

        // Completing the queue ends the send loop's wait; the frames left in it are dropped with the link.
        _sendQueue.Writer.TryComplete();
        while (_sendQueue.Reader.TryRead(out var frame))
        {
            ArrayPool<byte>.Shared.Return(frame.Buffer);
        }

        try
        {
            // Ends the blocking calls: the reading thread's read returns 0, a wait for room to write returns.
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        _socket.Dispose();
        _closed.TrySetResult(reason);
    }

    public async ValueTask DisposeAsync()
    {
        Shutdown();
        if (Volatile.Read(ref _started) != 0)
        {
            await Task.WhenAll(_received.Task, _sending).ConfigureAwait(false);
        }
    }
}
