using System.Net.Sockets;

namespace Portway.Testing;

/// <summary>
/// An <see cref="HttpMessageInvoker"/> whose connections have a small kernel receive buffer (4 KiB): a WebSocket
/// client on it that stops reading fills the server's send path after a few KB instead of the several MB loopback
/// buffers hold, so the server's send queue and backpressure are reached quickly. Pass it to
/// <c>ClientWebSocket.ConnectAsync(uri, invoker, token)</c>.
/// </summary>
public static class SmallReceiveBuffer
{
    public static HttpMessageInvoker Invoker() => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, ct);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            return new NetworkStream(socket, ownsSocket: true);
        },
    }, disposeHandler: true);
}
