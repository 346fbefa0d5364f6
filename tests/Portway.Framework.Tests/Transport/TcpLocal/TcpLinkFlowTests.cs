using System.Text;
using Microsoft.Extensions.Time.Testing;
using Portway.Internal.Transport.TcpLocal;
using Portway.Testing;

namespace Portway.Framework.Tests.Transport.TcpLocal;

/// <summary>
/// Flow on one tcp_local link (issue 11, item 9), over real sockets: hops run off the reading thread, so a node that
/// holds its thread stops neither the other hops nor the cancels; a peer that stops reading is declared dead by
/// the write stall deadline (its heartbeats do not keep it alive) and every hop waiting on it is answered.
/// </summary>
public sealed class TcpLinkFlowTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task NodeHoldingItsThread_AFastHopOnTheSameLinkIsAnswered_AndTheCancelStillReachesIt()
    {
        await using var harness = await TcpLocalHarness.StartAsync();
        var worker = harness.Pool.Pick("cpu")!;
        using var slowCaller = new CancellationTokenSource();
        var slow = harness.Transport.SendAsync(TcpLocalHarness.Hop("hang", "test.hang", "{\"block\":true}"), slowCaller.Token).AsTask();
        await Eventually.TrueAsync(() => Volatile.Read(ref harness.Probe.Started) == 1, Deadline, "the blocking node started");

        // Read and answered on the same link while the blocking node holds its thread.
        Assert.Equal("{\"fast\":1}", await harness.EchoAsync("{\"fast\":1}"));
        Assert.False(slow.IsCompleted);

        // The caller goes away: the cancel is read by the link's reader (free) and wakes the blocked node.
        await slowCaller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow);
        await harness.Probe.Cancelled.Task.WaitAsync(Deadline);
        Assert.Equal(0, worker.InFlight);
    }

    [Fact]
    public async Task PeerThatStopsReading_IsDeclaredDeadByTheWriteStallDeadline_EveryWaitingHopIsAnsweredUnavailable()
    {
        await using var harness = await TcpLocalHarness.StartAsync(withWorker: false, heartbeatTimeout: TimeSpan.FromMinutes(10), writeStallTimeout: TimeSpan.FromSeconds(1));
        await using var peer = await harness.AdmittedPeerAsync(receiveBufferSize: 4096);
        var hello = new Envelope { Id = EnvelopeIds.NewId(), Kind = EnvelopeKind.Control, Route = TcpLocalProtocol.Hello };
        hello.Headers[TcpLocalProtocol.GroupHeader] = "cpu";
        hello.Headers[TcpLocalProtocol.WorkerHeader] = "cpu-stuck";
        hello.Headers[TcpLocalProtocol.StagesHeader] = "p.core,p.hang,p.headers,p.big";
        var signer = Frames.Signer(new FakeTimeProvider(DateTimeOffset.UtcNow));
        await peer.SendAsync(Frames.Encode(hello, signer));
        await Eventually.TrueAsync(() => harness.Pool.ReadyCount("cpu") == 1, Deadline, "the peer is a ready worker");
        var worker = harness.Pool.Pick("cpu")!;

        // The peer keeps its heartbeat going (its own timer works) but never reads a byte.
        using var beating = new CancellationTokenSource();
        var heartbeats = Task.Run(async () =>
        {
            while (!beating.IsCancellationRequested)
            {
                try
                {
                    var beat = new Envelope { Id = EnvelopeIds.NewId(), Kind = EnvelopeKind.Control, Route = TcpLocalProtocol.Heartbeat };
                    await peer.SendAsync(Frames.Encode(beat, Frames.Signer(new FakeTimeProvider(DateTimeOffset.UtcNow))));
                    await Task.Delay(100, beating.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or System.Net.Sockets.SocketException or ObjectDisposedException)
                {
                    return;
                }
            }
        });

        // Hops of ~4 KB until the socket buffers on both sides are full and a write stalls.
        var payload = "\"" + new string('p', 3900) + "\"";
        using var callers = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var hops = Enumerable.Range(0, 3000).Select(_ => harness.Transport.SendAsync(TcpLocalHarness.Hop("core", "sys.echo", payload), callers.Token).AsTask()).ToArray();
        var answers = await Task.WhenAll(hops).WaitAsync(Deadline);
        await beating.CancelAsync();
        await heartbeats;

        Assert.All(answers, a =>
        {
            Assert.Equal(EnvelopeKind.Error, a.Kind);
            var error = Encoding.UTF8.GetString(a.Payload.Span);
            Assert.Contains("\"unavailable\"", error, StringComparison.Ordinal);
        });
        Assert.Contains(answers, a => Encoding.UTF8.GetString(a.Payload.Span).Contains("the peer stopped reading", StringComparison.Ordinal));
        Assert.True(worker.IsDead);
        Assert.Equal(0, worker.InFlight);
        Assert.Equal(0, harness.Pool.ReadyCount("cpu"));
        Assert.Contains(harness.Logs.Messages, l => l.Contains("the peer stopped reading", StringComparison.Ordinal));

        // Counted for /stats (tcp_local.stalled_peers) and the portway.tcp_local.peers_stalled counter.
        Assert.Equal(1, harness.Refusals.StalledPeers);
    }
}
