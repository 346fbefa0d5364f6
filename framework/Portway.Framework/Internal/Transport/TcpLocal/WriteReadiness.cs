using System.Net.Sockets;

namespace Portway.Internal.Transport.TcpLocal;

/// <summary>
/// Waits for a link's socket to take bytes again after a write found its send buffer full (the peer reads slower
/// than the link writes, or stopped reading), on a thread of its own started at the link's first stall, so no pool
/// thread waits with it. The wait is a <c>poll(2)</c> for writability, which leaves the socket in blocking mode (see
/// <see cref="NonBlockingSend"/>). One wait at a time (the link's send loop is its only caller); a link that never
/// stalls never starts the thread.
/// </summary>
internal sealed class WriteReadiness : IDisposable
{
    private readonly Socket _socket;
    private readonly string _name;
    private readonly SemaphoreSlim _requested = new(0);
    private TaskCompletionSource<bool>? _pending;
    private TimeSpan _timeout;
    private Thread? _thread;
    private volatile bool _disposed;

    public WriteReadiness(Socket socket, string name)
    {
        _socket = socket;
        _name = name;
    }

    /// <summary>True once the socket can take bytes (or the connection broke: the next write says how); false after <paramref name="timeout"/>.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var waiting = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _timeout = timeout;
        Volatile.Write(ref _pending, waiting);
        if (_thread is null)
        {
            // No execution context flows into the thread.
            _thread = new Thread(Run) { IsBackground = true, Name = "Portway tcp_local stalled write" };
            _thread.UnsafeStart();
        }

        _requested.Release();
        return waiting.Task;
    }

    private void Run()
    {
        while (true)
        {
            _requested.Wait();
            var waiting = Interlocked.Exchange(ref _pending, null);
            if (_disposed)
            {
                waiting?.TrySetException(new ObjectDisposedException(_name));
                return;
            }

            try
            {
                waiting?.TrySetResult(_socket.Poll(_timeout, SelectMode.SelectWrite));
            }
#pragma warning disable CA1031 // Handed to the waiting send loop, which closes the link.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                waiting?.TrySetException(ex);
            }
        }
    }

    /// <summary>Ends the thread (the link is closing); a wait in progress ends when the socket closes.</summary>
    public void Dispose()
    {
        _disposed = true;
        _requested.Release();
    }
}
