using System.Buffers;

namespace Portway.Internal.Transport.TcpLocal;

internal sealed partial class TcpLink
{
    private async Task SendLoopAsync()
    {
        Exception? reason = null;
        try
        {
            await foreach (var (buffer, length) in _sendQueue.Reader.ReadAllAsync(_closing.Token).ConfigureAwait(false))
            {
                try
                {
                    await _stream.WriteAsync(buffer.AsMemory(0, length), _closing.Token).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
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
        }
    }
}
