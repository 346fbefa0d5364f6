using System.Buffers;
using System.Net.Sockets;

namespace Portway.Internal.Transport.TcpLocal;

internal sealed partial class TcpLink
{
    /// <summary>Frames are copied into one buffer of this size and written together; a larger frame is written alone.</summary>
    private const int SendBufferSize = 64 * 1024;

    /// <summary>
    /// The send loop: takes every frame queued when it wakes and writes them in as few blocking calls as fit, so a
    /// burst goes out in few writes. It is the link's only writer; senders only queue (they never block), and so
    /// does the reading thread. A write blocks the loop's pool thread only while the peer's window is full, and
    /// only until <see cref="WriteStallTimeout"/>: then the peer is taken as stuck and the link is declared dead.
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
                            SendAll(buffer, filled);
                            filled = 0;
                        }

                        if (frame.Length > buffer.Length)
                        {
                            SendAll(frame.Buffer, frame.Length);
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
                    SendAll(buffer, filled);
                }
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock && Volatile.Read(ref _shutdown) == 0)
        {
            reason = new TimeoutException($"the peer stopped reading: a write made no progress for {WriteStallTimeout.TotalSeconds:0.###} s");
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
        }
    }

    /// <summary>
    /// A blocking write of the whole span (the socket stays in blocking mode; see the type's remarks). Each call
    /// returns within <see cref="WriteStallTimeout"/> (<c>SO_SNDTIMEO</c>): a write that moved no byte for that
    /// long throws <see cref="SocketException"/> (timed out / would block).
    /// </summary>
    private void SendAll(byte[] bytes, int length)
    {
        for (var offset = 0; offset < length;)
        {
            offset += _socket.Send(bytes, offset, length - offset, SocketFlags.None);
        }
    }
}
