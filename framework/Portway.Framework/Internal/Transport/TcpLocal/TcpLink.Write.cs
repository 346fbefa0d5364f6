using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;

namespace Portway.Internal.Transport.TcpLocal;

internal sealed partial class TcpLink
{
    /// <summary>Frames are copied into one buffer of this size and written together; a larger frame is written alone.</summary>
    private const int SendBufferSize = 64 * 1024;

    /// <summary>
    /// The send loop: takes every frame queued when it wakes and writes them in as few calls as fit, so a burst goes
    /// out in few writes. It is the link's only writer; senders only queue (they never block), and so does the
    /// reading thread. A write never blocks the loop's pool thread: what the socket's send buffer does not take
    /// waits for room asynchronously (<see cref="WriteReadiness"/>), and a write that makes no progress for
    /// <see cref="WriteStallTimeout"/> declares the peer stuck and the link dead.
    /// </summary>
    private async Task SendLoopAsync()
    {
        var buffer = new byte[SendBufferSize];
        var reader = _sendQueue.Reader;
        Exception? reason = null;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                var filled = 0;
                while (reader.TryRead(out var frame))
                {
                    try
                    {
                        if (filled > 0 && filled + frame.Length > buffer.Length)
                        {
                            await WriteAsync(buffer, filled).ConfigureAwait(false);
                            filled = 0;
                        }

                        if (frame.Length > buffer.Length)
                        {
                            await WriteAsync(frame.Buffer, frame.Length).ConfigureAwait(false);
                        }
                        else
                        {
                            Buffer.BlockCopy(frame.Buffer, 0, buffer, filled, frame.Length);
                            filled += frame.Length;
                        }
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(frame.Buffer);
                    }
                }

                if (filled > 0)
                {
                    await WriteAsync(buffer, filled).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (IsStall(ex) && Volatile.Read(ref _shutdown) == 0)
        {
            reason = new TimeoutException($"the peer stopped reading: a write made no progress for {WriteStallTimeout.TotalSeconds:0.###} s");
            Refusals?.PeerStalled();
            if (LogLimit is null || LogLimit.TryAcquire(out _))
            {
                TransportLog.PeerStalled(_logger, Name, WriteStallTimeout.TotalSeconds);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            reason = Volatile.Read(ref _shutdown) != 0 ? null : ex;
        }
        finally
        {
            Shutdown(reason);

            // No wait for room is in progress: the loop awaited the last one.
            _writeReadiness?.Dispose();
        }
    }

    private static bool IsStall(Exception ex) =>
        ex is WriteStalledException || ex is SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock };

    /// <summary>
    /// Writes the whole span: at once while the socket's send buffer takes it (the common case, no allocation), else
    /// on <see cref="WriteSlowAsync"/>. Where a per-call non-blocking send is not available, a blocking write bounded
    /// by <see cref="WriteStallTimeout"/> (<c>SO_SNDTIMEO</c>).
    /// </summary>
    private ValueTask WriteAsync(byte[] bytes, int length)
    {
        if (!NonBlockingSend.IsSupported)
        {
            for (var offset = 0; offset < length;)
            {
                offset += _socket.Send(bytes, offset, length - offset, SocketFlags.None);
            }

            return ValueTask.CompletedTask;
        }

        for (var offset = 0; offset < length;)
        {
            var sent = NonBlockingSend.Send(_handle, bytes.AsSpan(offset, length - offset));
            if (sent == 0)
            {
                return WriteSlowAsync(bytes, offset, length);
            }

            offset += sent;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The rest of a write the send buffer had no room for: waits for room (off the pool, see
    /// <see cref="WriteReadiness"/>) and writes again, until all is written or no byte moved for
    /// <see cref="WriteStallTimeout"/> (then throws <see cref="WriteStalledException"/>).
    /// </summary>
    private async ValueTask WriteSlowAsync(byte[] bytes, int offset, int length)
    {
        var readiness = _writeReadiness ??= new WriteReadiness(_socket, Name);
        var progressAt = Stopwatch.GetTimestamp();
        while (offset < length)
        {
            var left = WriteStallTimeout - Stopwatch.GetElapsedTime(progressAt);
            if (left <= TimeSpan.Zero || !await readiness.WaitAsync(left).ConfigureAwait(false))
            {
                throw new WriteStalledException();
            }

            var sent = NonBlockingSend.Send(_handle, bytes.AsSpan(offset, length - offset));
            if (sent > 0)
            {
                offset += sent;
                progressAt = Stopwatch.GetTimestamp();
            }
        }
    }
}
