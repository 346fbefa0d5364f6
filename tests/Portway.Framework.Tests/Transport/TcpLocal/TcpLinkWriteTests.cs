using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portway.Internal.Security;
using Portway.Internal.Transport.TcpLocal;
using Portway.Testing;

namespace Portway.Framework.Tests.Transport.TcpLocal;

/// <summary>
/// The link's writes (issue 11, item 9: "send without blocking a pool thread"), over real loopback sockets: while
/// peers stop reading and frames pile up behind their full windows, no thread-pool thread sits in a blocking send and
/// the links' sockets stay in blocking mode (their reading threads are woken by the kernel); once a peer reads again,
/// every frame arrives, whole and in order.
/// </summary>
public sealed class TcpLinkWriteTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PeersThatStopReading_HoldNoPoolThread_TheSocketsStayBlocking_EveryFrameArrivesOnceTheyRead()
    {
        Assert.True(OperatingSystem.IsLinux(), "this test reads /proc (Linux only)");
        const int Links = 4;
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(Links);
        var signer = Frames.Signer(new FakeTimeProvider(DateTimeOffset.UtcNow));
        var peers = new List<Socket>();
        var links = new List<TcpLink>();
        var descriptors = new List<int>();
        var queued = new int[Links];
        try
        {
            for (var i = 0; i < Links; i++)
            {
                var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
                peers.Add(peer);
                peer.Connect(listener.LocalEndPoint!);

                // A blocking accept: the accepted socket starts in blocking mode, as the listener's do.
                var socket = listener.Accept();
                socket.SendBufferSize = 4096;
                descriptors.Add((int)socket.Handle);
                var link = new TcpLink(socket, signer, Frames.MaxPayload, new HashSet<EnvelopeKind> { EnvelopeKind.Reply }, NullLogger.Instance, "peer-" + i)
                {
                    // Far past this test: the stall is waited out, not declared.
                    WriteStallTimeout = TimeSpan.FromMinutes(5),
                };
                links.Add(link);
                link.Start((_, _) => ValueTask.CompletedTask);
            }

            // Each peer reads nothing: frames of ~1 KB until the link's queue is full, so its send loop is stuck
            // behind the full window (the socket buffers on both sides hold only a part of them).
            for (var i = 0; i < Links; i++)
            {
                while (links[i].TrySend(Numbered(queued[i])))
                {
                    queued[i]++;
                    Assert.True(queued[i] < 1_000_000, "the queue never filled");
                }

                Assert.False(links[i].IsClosed);
            }

            // No pool thread is in a blocking send (with blocking writes, each stuck link held one here).
            var inSend = PoolThreadsInSend();
            Assert.True(inSend.Count == 0, "pool threads blocked in send: " + string.Join(", ", inSend));
            Assert.All(descriptors, fd => Assert.False(IsNonBlocking(fd), "the link's socket was switched to non-blocking mode"));

            // The peers read again: every frame arrives, whole, verified and in order, and the links stay open.
            var reads = peers.Select((peer, i) => Task.Run(() => ReadFrames(peer, queued[i]))).ToArray();
            await Task.WhenAll(reads).WaitAsync(Deadline);
            Assert.All(links, l => Assert.False(l.IsClosed));
        }
        finally
        {
            foreach (var link in links) await link.DisposeAsync();
            foreach (var peer in peers) peer.Dispose();
        }
    }

    private static Envelope Numbered(int n) => new()
    {
        Id = EnvelopeIds.NewId(),
        Kind = EnvelopeKind.Reply,
        Route = "p/core",
        ReplyTo = "i1/1",
        Headers = { ["n"] = n.ToString(CultureInfo.InvariantCulture) },
        Payload = Encoding.UTF8.GetBytes("\"" + new string((char)('a' + (n % 26)), 1000) + "\""),
    };

    /// <summary>Reads <paramref name="count"/> frames with blocking reads and checks each one's signature and number.</summary>
    private static void ReadFrames(Socket peer, int count)
    {
        var buffer = new byte[64 * 1024];
        int start = 0, end = 0;
        for (var expected = 0; expected < count;)
        {
            var pending = new ReadOnlySequence<byte>(buffer, start, end - start);
            while (expected < count && FrameCodec.TryRead(ref pending, FrameCodec.MaxBodyLength(Frames.MaxPayload), out var body))
            {
                var bytes = body.ToArray();
                var canonical = bytes.AsSpan(0, bytes.Length - EnvelopeCodec.SignatureLength);
                Assert.Equal(System.Security.Cryptography.HMACSHA256.HashData(Frames.Key, canonical), bytes[^EnvelopeCodec.SignatureLength..]);
                var envelope = EnvelopeCodec.Read(canonical, int.MaxValue);
                Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), envelope.Headers["n"]);
                Assert.Equal(1002, envelope.Payload.Length);
                expected++;
            }

            start = end - (int)pending.Length;
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
            if (expected == count) break;
            var read = peer.Receive(buffer, end, buffer.Length - end, SocketFlags.None);
            Assert.True(read > 0, $"the link closed after {expected} of {count} frames");
            end += read;
        }
    }

    /// <summary>The threads of this process named as thread-pool workers (<c>.NET TP Worker</c>) that sleep in <c>sendto</c>/<c>sendmsg</c>.</summary>
    private static List<string> PoolThreadsInSend()
    {
        int[] send = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => [44, 46],
            Architecture.Arm64 => [206, 211],
            var other => throw new PlatformNotSupportedException($"no send syscall numbers for {other}"),
        };
        var found = new List<string>();
        var pool = 0;
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                var name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                if (!name.StartsWith(".NET TP Worker", StringComparison.Ordinal)) continue;
                pool++;
                var call = File.ReadAllText(Path.Combine(task, "syscall")).Split(' ')[0];
                if (int.TryParse(call, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && send.Contains(number))
                {
                    found.Add($"{Path.GetFileName(task)} ({name})");
                }
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        Assert.True(pool > 0, "no thread named '.NET TP Worker' in /proc/self/task: the pool's thread names changed");
        return found;
    }

    /// <summary>Whether <c>O_NONBLOCK</c> is set on descriptor <paramref name="fd"/> (the <c>flags</c> line of /proc/self/fdinfo, octal).</summary>
    private static bool IsNonBlocking(int fd)
    {
        const int ONonBlock = 0x800; // 04000
        var flags = File.ReadLines($"/proc/self/fdinfo/{fd}").First(l => l.StartsWith("flags:", StringComparison.Ordinal))["flags:".Length..].Trim();
        return (Convert.ToInt32(flags, 8) & ONonBlock) != 0;
    }
}
