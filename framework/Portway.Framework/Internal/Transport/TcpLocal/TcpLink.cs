using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Portway.Internal.Security;

namespace Portway.Internal.Transport.TcpLocal;

/// <summary>
/// One HMAC-framed TCP connection: a receive loop that parses and verifies every complete frame, and a
/// send loop that writes signed frames from a bounded queue. Many envelopes in flight each way; a
/// refused frame is counted, logged and (when it parsed) answered, while other traffic goes on; a
/// peer that sends only refused frames, or bytes that are not frames, is disconnected.
/// </summary>
internal sealed partial class TcpLink : IAsyncDisposable
{
    /// <summary>Refused frames in a row after which the peer is disconnected.</summary>
    public const int MaxConsecutiveRejects = 8;

    private const int SendQueueCapacity = 4096;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly EnvelopeSigner _signer;
    private readonly FrameVerifier _verifier;
    private readonly int _maxBodyLength;
    private readonly int _maxPayloadBytes;
    private readonly ILogger _logger;
    private readonly Channel<(byte[] Buffer, int Length)> _sendQueue =
        Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(SendQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Func<TcpLink, Envelope, ValueTask>? _onEnvelope;
    private Task _receiving = Task.CompletedTask;
    private Task _sending = Task.CompletedTask;
    private int _consecutiveRejects;
    private long _rejected;
    private int _shutdown;

    public TcpLink(Socket socket, EnvelopeSigner signer, int maxPayloadBytes, IReadOnlySet<EnvelopeKind> allowedKinds, ILogger logger, string name)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _signer = signer;
        _verifier = new FrameVerifier(signer, maxPayloadBytes, allowedKinds);
        _maxPayloadBytes = maxPayloadBytes;
        _maxBodyLength = FrameCodec.MaxBodyLength(maxPayloadBytes);
        _logger = logger;
        Name = name;
    }

    /// <summary>For logs: who is on the other end.</summary>
    public string Name { get; set; }

    /// <summary>Frames refused since the link opened.</summary>
    public long RejectedFrames => Interlocked.Read(ref _rejected);

    /// <summary>Completes once the link is closed (with the reason, null for a clean close).</summary>
    public Task<Exception?> Closed => _closed.Task;

    public bool IsClosed => _closed.Task.IsCompleted;

    /// <summary>Starts both loops; <paramref name="onEnvelope"/> gets each verified envelope, in order.</summary>
    public void Start(Func<TcpLink, Envelope, ValueTask> onEnvelope)
    {
        _onEnvelope = onEnvelope;
        _receiving = Task.Run(ReceiveLoopAsync);
        _sending = Task.Run(SendLoopAsync);
    }

    /// <summary>
    /// Signs and queues <paramref name="envelope"/>; false when the link is closed. Throws
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
            await _sendQueue.Writer.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is ChannelClosedException or OperationCanceledException)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(frame.Buffer);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            return false;
        }
    }

    /// <summary>Closes the link; safe to call more than once and from any thread.</summary>
    public void Shutdown(Exception? reason = null)
    {
        if (Interlocked.Exchange(ref _shutdown, 1) != 0)
        {
            return;
        }

        _sendQueue.Writer.TryComplete();
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        _stream.Dispose();
        while (_sendQueue.Reader.TryRead(out var frame))
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(frame.Buffer);
        }

        _closed.TrySetResult(reason);
    }

    public async ValueTask DisposeAsync()
    {
        Shutdown();
        await Task.WhenAll(_receiving, _sending).ConfigureAwait(false);
        _closing.Dispose();
    }
}
