using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Portway.Internal.Transport.TcpLocal;

/// <summary>
/// One <c>send(2)</c> with <c>MSG_DONTWAIT</c> on a socket left in blocking mode (Linux): it copies what fits in the
/// socket's send buffer and returns at once, 0 bytes when the buffer is full. .NET has no such call: any asynchronous
/// operation on a <see cref="Socket"/> (<c>SendAsync</c>, <c>SocketAsyncEventArgs</c>) sets <c>O_NONBLOCK</c> on the
/// descriptor for good (dotnet/runtime <c>SafeSocketHandle.Unix.cs</c>, <c>SetHandleNonBlocking</c>: "once the OS
/// handle is nonblocking, it never transitions back to blocking"), after which every blocking <c>Receive</c> is
/// emulated through the runtime's epoll thread: the link's reading thread would no longer be woken by the kernel
/// directly. The flag applies to this one call, so the reading thread's blocking reads stay as they are.
/// </summary>
internal static partial class NonBlockingSend
{
    private const int MsgDontWait = 0x40;
    private const int MsgNoSignal = 0x4000;
    private const int EIntr = 4;
    private const int EAgain = 11;

    /// <summary>True where the per-call flags are known (Linux); elsewhere the link writes with blocking calls.</summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux();

    /// <summary>
    /// Sends as much of <paramref name="bytes"/> as the send buffer takes, without waiting; returns how many bytes,
    /// 0 when the buffer is full. Throws <see cref="IOException"/> for a broken connection,
    /// <see cref="ObjectDisposedException"/> once the socket is closed.
    /// </summary>
    public static unsafe int Send(SafeSocketHandle socket, ReadOnlySpan<byte> bytes)
    {
        var added = false;
        try
        {
            // Holds the descriptor open (a concurrent close cannot hand its number to another file meanwhile).
            socket.DangerousAddRef(ref added);
            var fd = (int)socket.DangerousGetHandle();
            fixed (byte* start = bytes)
            {
                while (true)
                {
                    var sent = SendNative(fd, start, (nuint)bytes.Length, MsgDontWait | MsgNoSignal);
                    if (sent >= 0)
                    {
                        return (int)sent;
                    }

                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == EAgain)
                    {
                        return 0;
                    }

                    if (errno != EIntr)
                    {
                        throw new IOException($"the write failed: {Marshal.GetPInvokeErrorMessage(errno)}");
                    }
                }
            }
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static unsafe partial nint SendNative(int fd, byte* buffer, nuint length, int flags);
}
