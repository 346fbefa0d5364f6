using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Portway.Internal.Security;

namespace Portway.Framework.Tests.Transport.TcpLocal;

/// <summary>A hostile (or careless) local process: a raw TCP socket that writes whatever bytes it is told to.</summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly Socket _socket = new(SocketType.Stream, ProtocolType.Tcp);

    public static async Task<RawPeer> ConnectAsync(IPEndPoint endPoint, int? receiveBufferSize = null)
    {
        var peer = new RawPeer();
        if (receiveBufferSize is { } size)
        {
            // Before the connect: the window it advertises stays small, so a peer that stops reading stalls the sender soon.
            peer._socket.ReceiveBufferSize = size;
        }

        await peer._socket.ConnectAsync(endPoint);
        return peer;
    }

    public async Task SendAsync(byte[] bytes) => await _socket.SendAsync(bytes, SocketFlags.None);

    public void CloseSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Waits for the host to close the connection (a read of 0 bytes, or a reset); false if it stays open.</summary>
    public async Task<bool> ClosedByHostAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            while (await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Reads until the host closes the connection; how many bytes it sent (-1 if it stays open past the timeout).</summary>
    public async Task<long> BytesUntilClosedAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        long total = 0;
        try
        {
            int n;
            while ((n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0) total += n;
            return total;
        }
        catch (SocketException)
        {
            return total;
        }
        catch (OperationCanceledException)
        {
            return -1;
        }
    }

    /// <summary>Reads one frame and returns its envelope (signature verified with the test key).</summary>
    public async Task<Envelope> ReadEnvelopeAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var prefix = await ReadExactlyAsync(4, cts.Token);
        var body = await ReadExactlyAsync((int)BinaryPrimitives.ReadUInt32BigEndian(prefix), cts.Token);
        var canonical = body.AsSpan(0, body.Length - EnvelopeCodec.SignatureLength);
        var expected = System.Security.Cryptography.HMACSHA256.HashData(Frames.Key, canonical);
        Assert.Equal(expected, body[^EnvelopeCodec.SignatureLength..]);
        return EnvelopeCodec.Read(canonical, int.MaxValue);
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var bytes = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await _socket.ReceiveAsync(bytes.AsMemory(read), SocketFlags.None, cancellationToken);
            if (n == 0) throw new EndOfStreamException("the host closed the connection");
            read += n;
        }

        return bytes;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
