using System.Buffers;
using System.IO.Pipelines;

namespace Portway.Internal.Transport.TcpLocal;

internal sealed partial class TcpLink
{
    /// <summary>Flush at least this often while the queue keeps delivering frames.</summary>
    private const int FlushThreshold = 64 * 1024;

    private async Task SendLoopAsync()
    {
        // Frames are signed by their senders (in parallel) into pooled buffers; this loop copies every frame
        // queued into the pipe and flushes once the queue is empty, so a burst goes out in few writes.
        var writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024, leaveOpen: true));
        Exception? reason = null;
        try
        {
            while (await _sendQueue.Reader.WaitToReadAsync(_closing.Token).ConfigureAwait(false))
            {
                var unflushed = 0;
                while (_sendQueue.Reader.TryRead(out var frame))
                {
                    try
                    {
                        writer.Write(frame.Buffer.AsSpan(0, frame.Length));
                        unflushed += frame.Length;
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(frame.Buffer);
                    }

                    if (unflushed >= FlushThreshold)
                    {
                        await writer.FlushAsync(_closing.Token).ConfigureAwait(false);
                        unflushed = 0;
                    }
                }

                var flushed = await writer.FlushAsync(_closing.Token).ConfigureAwait(false);
                if (flushed.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            reason = ex;
        }
        finally
        {
            Shutdown(reason);
            try
            {
                await writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
            {
                // The stream is closed: what was not flushed is lost with the link.
            }
        }
    }
}
