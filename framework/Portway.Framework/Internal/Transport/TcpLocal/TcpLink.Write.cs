using System.Buffers;
using System.Net.Sockets;

namespace Portway.Internal.Transport.TcpLocal;

internal sealed partial class TcpLink
{
    /// <summary>Frames are copied into one buffer of this size and written together; a larger frame is written alone.</summary>
    private const int SendBufferSize = 64 * 1024;

    private async Task SendLoopAsync()
    {
        // Frames are signed by their senders (in parallel) into pooled buffers; this loop takes every frame queued
        // when it wakes and writes them in as few blocking calls as fit, so a burst goes out in few writes.
        var buffer = new byte[SendBufferSize];
        Exception? reason = null;
        try
        {
            while (await _sendQueue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                var filled = 0;
                while (_sendQueue.Reader.TryRead(out var frame))
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
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            reason = Volatile.Read(ref _shutdown) != 0 ? null : ex;
        }
        finally
        {
            Shutdown(reason);
        }
    }

    /// <summary>A blocking write of the whole span (the socket stays in blocking mode; see the type's remarks).</summary>
    private void SendAll(byte[] bytes, int length)
    {
        for (var offset = 0; offset < length;)
        {
            offset += _socket.Send(bytes, offset, length - offset, SocketFlags.None);
        }
    }
}
