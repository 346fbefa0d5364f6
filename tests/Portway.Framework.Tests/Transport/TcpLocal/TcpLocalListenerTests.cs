using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Portway.Internal.Transport.TcpLocal;
using Portway.Testing;

namespace Portway.Framework.Tests.Transport.TcpLocal;

/// <summary>
/// The host's tcp_local listener over real sockets: a real worker client serves hops, while raw sockets
/// attack the listener. Every attack is refused, counted and logged, and the worker's traffic goes on.
/// </summary>
public sealed class TcpLocalListenerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>A hello for group <c>cpu</c> serving all its stages, as a worker of that group sends it.</summary>
    private static Envelope CpuHello(string workerId)
    {
        var hello = Control(TcpLocalProtocol.Hello);
        hello.Headers[TcpLocalProtocol.GroupHeader] = "cpu";
        hello.Headers[TcpLocalProtocol.WorkerHeader] = workerId;
        hello.Headers[TcpLocalProtocol.StagesHeader] = "p.core,p.hang,p.headers,p.big";
        return hello;
    }

    private static Envelope Control(string route = TcpLocalProtocol.Heartbeat) => new() { Id = EnvelopeIds.NewId(), Kind = EnvelopeKind.Control, Route = route };

    private static byte[] Signed(Envelope envelope, TimeSpan clockOffset = default, byte[]? key = null) =>
        Frames.Encode(envelope, Frames.Signer(new FakeTimeProvider(DateTimeOffset.UtcNow + clockOffset), key));

    [Fact]
    public async Task SendAsync_ThroughWorker_RepliesWithTheNodeOutput()
    {
        await using var harness = await TcpLocalHarness.StartAsync();

        Assert.Equal("{\"x\":1}", await harness.EchoAsync());
    }

    [Fact]
    public async Task SendAsync_ManyHopsInFlightOnOneLink_EachGetsItsOwnReply()
    {
        await using var harness = await TcpLocalHarness.StartAsync();

        var replies = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => harness.EchoAsync($"{{\"i\":{i}}}")));

        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"{{\"i\":{i}}}"), replies);
    }

    [Fact]
    public async Task SendAsync_TraceContext_CrossesTheHop()
    {
        await using var harness = await TcpLocalHarness.StartAsync();
        using var deadline = new CancellationTokenSource(Deadline);

        var answer = await harness.Transport.SendAsync(TcpLocalHarness.Hop("headers", "test.headers"), deadline.Token);

        var headers = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(answer.Payload.Span)!;
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", headers["traceparent"]);
    }

    [Fact]
    public async Task SendAsync_CallerIdentity_CrossesTheSignedHop_IntoTheWorkersNodeContext()
    {
        await using var harness = await TcpLocalHarness.StartAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        var hop = TcpLocalHarness.Hop("headers", "test.headers");
        // What the router writes on a hop that leaves the process: the identity as signed headers (never client input).
        Portway.Internal.Security.IdentityHeaders.Apply(hop, new CallerIdentity { Subject = "alice", Tenant = "acme", Scopes = ["profiles", "admin"] });

        var answer = await harness.Transport.SendAsync(hop, deadline.Token);
        var anonymous = await harness.Transport.SendAsync(TcpLocalHarness.Hop("headers", "test.headers"), deadline.Token);

        Assert.Equal(EnvelopeKind.Reply, answer.Kind);
        var seen = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(answer.Payload.Span)!;
        Assert.Equal(("alice", "acme", "profiles admin"), (seen["subject"], seen["identity_tenant"], seen["scopes"]));
        var nobody = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(anonymous.Payload.Span)!;
        Assert.Equal(("", "", ""), (nobody["subject"], nobody["identity_tenant"], nobody["scopes"]));
    }

    [Fact]
    public async Task SendAsync_PayloadOverLimit_AnswersPayloadTooLargeAndTheLinkStaysUp()
    {
        await using var harness = await TcpLocalHarness.StartAsync();
        using var deadline = new CancellationTokenSource(Deadline);

        var answer = await harness.Transport.SendAsync(TcpLocalHarness.Hop("core", "sys.echo", "\"" + new string('a', 5000) + "\""), deadline.Token);

        Assert.Equal(EnvelopeKind.Error, answer.Kind);
        Assert.Equal(ErrorCode.PayloadTooLarge, PortwayError.FromPayload(answer.Payload.Span).Code);
        Assert.Equal("{\"x\":1}", await harness.EchoAsync());
    }

    [Fact]
    public async Task SendAsync_AnswerOverLimit_AnswersPayloadTooLargeAndTheLinkStaysUp()
    {
        await using var harness = await TcpLocalHarness.StartAsync();
        using var deadline = new CancellationTokenSource(Deadline);

        var small = await harness.Transport.SendAsync(TcpLocalHarness.Hop("big", "test.big", "{\"n\":4000}"), deadline.Token);
        var big = await harness.Transport.SendAsync(TcpLocalHarness.Hop("big", "test.big", "{\"n\":5000}"), deadline.Token);

        Assert.Equal((EnvelopeKind.Reply, 4002), (small.Kind, small.Payload.Length));
        Assert.Equal(EnvelopeKind.Error, big.Kind);
        Assert.Equal(ErrorCode.PayloadTooLarge, PortwayError.FromPayload(big.Payload.Span).Code);
        Assert.Equal("{\"x\":1}", await harness.EchoAsync());
        Assert.Equal(0, harness.Listener.RejectedFrames);
    }

    [Fact]
    public async Task SendAsync_CallerCancels_WorkerStopsTheNode()
    {
        await using var harness = await TcpLocalHarness.StartAsync();
        using var cancel = new CancellationTokenSource();

        var hop = harness.Transport.SendAsync(TcpLocalHarness.Hop("hang", "test.hang"), cancel.Token).AsTask();
        await Eventually.TrueAsync(() => Volatile.Read(ref harness.Probe.Started) == 1, Deadline, "the node runs in the worker");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hop);
        await harness.Probe.Cancelled.Task.WaitAsync(Deadline);
    }

    [Fact]
    public async Task WorkerGone_HopsInFlight_AnswerUnavailableAtOnce()
    {
        await using var harness = await TcpLocalHarness.StartAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var hops = Enumerable.Range(0, 5).Select(_ => harness.Transport.SendAsync(TcpLocalHarness.Hop("hang", "test.hang"), deadline.Token).AsTask()).ToArray();
        await Eventually.TrueAsync(() => harness.Pool.All.Single().InFlight == 5, Deadline, "5 hops in flight");

        await harness.StopWorkerAsync();
        var answers = await Task.WhenAll(hops).WaitAsync(Deadline);

        Assert.All(answers, a => Assert.Equal(ErrorCode.Unavailable, PortwayError.FromPayload(a.Payload.Span).Code));
        await Eventually.TrueAsync(() => harness.Pool.ReadyCount("cpu") == 0, Deadline, "the worker left the pool");
        var none = await harness.Transport.SendAsync(TcpLocalHarness.Hop("core", "sys.echo"), deadline.Token);
        Assert.Equal(ErrorCode.Unavailable, PortwayError.FromPayload(none.Payload.Span).Code);
    }

    public static TheoryData<string> Attacks() => ["bad signature", "replayed nonce", "ts too old", "ts too far ahead", "unknown kind", "oversize length prefix", "truncated frame", "random bytes"];

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Attack_OnAnotherConnection_IsRefusedLoggedAndTheWorkerGoesOn(string attack)
    {
        await using var harness = await TcpLocalHarness.StartAsync();
        await using var attacker = await harness.AdmittedPeerAsync();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);

        var expected = await RunAttackAsync(attack, attacker, harness);

        await Eventually.TrueAsync(() => harness.Listener.RejectedFrames >= 1, Deadline, "the frame was counted as rejected");
        await Eventually.TrueAsync(() => harness.Logs.Messages.Any(m => m.Contains("rejected: ", StringComparison.Ordinal) && m.Contains(expected, StringComparison.Ordinal)),
            Deadline, $"a rejection naming '{expected}' was logged");
        Assert.Equal("{\"x\":1}", await harness.EchoAsync());
        Assert.Equal(1, harness.Pool.ReadyCount("cpu"));
        Assert.True(GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore < 256L * 1024 * 1024, "no allocation of a claimed size");
        Assert.DoesNotContain(harness.Logs.Messages, m => m.Contains(Convert.ToBase64String(Frames.Key), StringComparison.Ordinal));
    }

    private static async Task<string> RunAttackAsync(string attack, RawPeer attacker, TcpLocalHarness harness)
    {
        switch (attack)
        {
            case "bad signature":
                await attacker.SendAsync(Signed(Control(), key: "not the key, but 32 bytes long.."u8.ToArray()));
                return "bad envelope signature";
            case "replayed nonce":
            {
                // The frame is good once (on its own connection, which it does not make a worker), never twice.
                var frame = Signed(Control());
                await using (var first = await harness.AdmittedPeerAsync())
                {
                    await first.SendAsync(frame);
                    Assert.True(await first.ClosedByHostAsync(Deadline));
                }

                await attacker.SendAsync(frame);
                return "already used";
            }

            case "ts too old":
                await attacker.SendAsync(Signed(Control(), TimeSpan.FromSeconds(-120)));
                return "old";
            case "ts too far ahead":
                await attacker.SendAsync(Signed(Control(), TimeSpan.FromSeconds(120)));
                return "in the future";
            case "unknown kind":
            {
                var envelope = Control();
                Frames.Signer(new FakeTimeProvider(DateTimeOffset.UtcNow)).Stamp(envelope);
                var canonical = Frames.Canonical(envelope);
                canonical[1] = 0x7f;
                await attacker.SendAsync(Frames.FromCanonical(canonical));
                return "unknown envelope kind 127";
            }

            case "oversize length prefix":
            {
                var prefix = new byte[8];
                BinaryPrimitives.WriteUInt32BigEndian(prefix, 0x7fff_fff0);
                await attacker.SendAsync(prefix);
                Assert.True(await attacker.ClosedByHostAsync(Deadline));
                return "over the";
            }

            case "truncated frame":
            {
                var frame = Signed(Control());
                await attacker.SendAsync(frame[..(frame.Length / 2)]);
                attacker.CloseSend();
                return "inside a frame";
            }

            case "random bytes":
            {
                var bytes = new byte[4096];
                new Random(42).NextBytes(bytes);
                bytes[0] = 0; // a plausible length prefix, so the bytes are read as frames, not refused by their size alone
                bytes[1] = 0;
                bytes[2] = 0;
                bytes[3] = 200;
                await attacker.SendAsync(bytes);
                return "";
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(attack), attack, null);
        }
    }

    [Fact]
    public async Task Attack_ForgedRequestBeforeHello_IsRefusedWithoutAnySignedAnswer()
    {
        await using var harness = await TcpLocalHarness.StartAsync();
        await using var attacker = await harness.AdmittedPeerAsync();
        var forged = TcpLocalHarness.Hop("core", "sys.echo");
        forged.Headers[TcpLocalProtocol.HopHeader] = "h-forged";

        await attacker.SendAsync(Signed(forged, key: "not the key, but 32 bytes long.."u8.ToArray()));
        await Eventually.TrueAsync(() => harness.Listener.RejectedFrames >= 1, Deadline, "the forged request was refused");
        attacker.CloseSend();

        // No error envelope (signed with the host's key, echoing the attacker's fields) comes back: nothing does.
        Assert.Equal(0, await attacker.BytesUntilClosedAsync(Deadline));
    }

    [Fact]
    public async Task Connection_WithoutAdmissionToken_IsRefusedCountedAndNeverGetsALink()
    {
        await using var harness = await TcpLocalHarness.StartAsync(withWorker: false);
        await using var stranger = await RawPeer.ConnectAsync(harness.EndPoint);

        // A perfectly signed hello is not enough: the connection has no admission token.
        await stranger.SendAsync(Signed(CpuHello("cpu-stranger")));

        Assert.True(await stranger.ClosedByHostAsync(Deadline));
        Assert.Equal(0, harness.Pool.ReadyCount("cpu"));
        Assert.True(harness.Listener.RefusedConnections >= 1);
        Assert.Equal(0, harness.Listener.PendingHellos);
    }

    [Fact]
    public async Task ExpectedChild_GetsInWhileEveryWaitingSlotIsHeldAndTheRefusalsAreLoggedAtABoundedRate()
    {
        await using var harness = await TcpLocalHarness.StartAsync(withWorker: false);
        var holders = new List<RawPeer>();
        try
        {
            // More silent connections than there are waiting slots (1024), as ipc_hold.py does, none ever sending a byte.
            for (var i = 0; i < 1100; i++) holders.Add(await RawPeer.ConnectAsync(harness.EndPoint));
            await Eventually.TrueAsync(() => harness.Listener.RefusedConnections >= 1100 - 1024, Deadline, "the oldest silent connections made room");

            await using var child = await harness.AdmittedPeerAsync();
            await child.SendAsync(Signed(CpuHello("cpu-child")));

            await Eventually.TrueAsync(() => harness.Pool.ReadyCount("cpu") == 1, Deadline, "the expected child got in");
            await Eventually.TrueAsync(() => harness.Listener.RefusedConnections >= 1100, Deadline, "the silent ones are refused after the admission timeout");
            var refusalLines = harness.Logs.Messages.Count(m => m.Contains("tcp_local connection refused", StringComparison.Ordinal));
            Assert.InRange(refusalLines, 1, 60);
        }
        finally
        {
            foreach (var holder in holders) await holder.DisposeAsync();
        }
    }

    [Fact]
    public async Task Attack_GarbageRepeatedly_DisconnectsThePeer()
    {
        await using var harness = await TcpLocalHarness.StartAsync();
        await using var attacker = await harness.AdmittedPeerAsync();
        var badKey = "not the key, but 32 bytes long.."u8.ToArray();

        for (var i = 0; i < TcpLink.MaxConsecutiveRejects; i++) await attacker.SendAsync(Signed(Control(), key: badKey));

        Assert.True(await attacker.ClosedByHostAsync(Deadline));
        Assert.True(harness.Listener.RejectedFrames >= TcpLink.MaxConsecutiveRejects);
        Assert.Equal("{\"x\":1}", await harness.EchoAsync());
    }

    [Fact]
    public async Task RefusedFrame_ThenValidHello_TheConnectionGoesOn()
    {
        await using var harness = await TcpLocalHarness.StartAsync();
        await using var peer = await harness.AdmittedPeerAsync();
        var hello = CpuHello("cpu-raw");

        await peer.SendAsync(Signed(Control(), key: "not the key, but 32 bytes long.."u8.ToArray()));
        await peer.SendAsync(Signed(hello));

        await Eventually.TrueAsync(() => harness.Pool.ReadyCount("cpu") == 2, Deadline, "the raw peer became a worker after a refused frame");
        Assert.Equal(1, harness.Listener.RejectedFrames);
    }

    [Fact]
    public async Task Hello_ForAGroupWithoutStages_IsRefused()
    {
        await using var harness = await TcpLocalHarness.StartAsync(withWorker: false);
        await using var peer = await harness.AdmittedPeerAsync();
        var hello = Control(TcpLocalProtocol.Hello);
        hello.Headers[TcpLocalProtocol.GroupHeader] = "web";
        hello.Headers[TcpLocalProtocol.WorkerHeader] = "w-1";

        await peer.SendAsync(Signed(hello));

        Assert.True(await peer.ClosedByHostAsync(Deadline));
        Assert.Equal(0, harness.Pool.ReadyCount("web"));
    }

    [Fact]
    public async Task Connections_WaitingForHelloOverTheCap_AreClosedAndAWorkerStillGetsIn()
    {
        await using var harness = await TcpLocalHarness.StartAsync(withWorker: false, maxPendingHellos: 2);
        await using var first = await harness.AdmittedPeerAsync();
        await using var second = await harness.AdmittedPeerAsync();
        await Eventually.TrueAsync(() => harness.Listener.PendingHellos == 2, Deadline, "two silent connections wait for their hello");

        await using (var third = await harness.AdmittedPeerAsync())
        {
            Assert.True(await third.ClosedByHostAsync(Deadline));
        }

        Assert.Contains(harness.Logs.Messages, m => m.Contains("2 connections are already waiting for their hello", StringComparison.Ordinal));
        await first.DisposeAsync();
        await Eventually.TrueAsync(() => harness.Listener.PendingHellos == 1, Deadline, "the closed connection no longer counts");
        await using var worker = await harness.AdmittedPeerAsync();
        var hello = CpuHello("cpu-raw");
        await worker.SendAsync(Signed(hello));

        await Eventually.TrueAsync(() => harness.Pool.ReadyCount("cpu") == 1, Deadline, "a worker connects while one silent connection still waits");
        Assert.Equal(1, harness.Listener.PendingHellos);
    }

    [Fact]
    public async Task Frame_LargerThanTheReadBuffer_ArrivingInPieces_IsReadWholeAndTheLinkGoesOn()
    {
        await using var harness = await TcpLocalHarness.StartAsync(withWorker: false);
        await using var peer = await harness.AdmittedPeerAsync();
        var hello = CpuHello("cpu-big");
        hello.Headers["x-padding"] = new string('p', 40_000); // ~40 KB: the link's 16 KiB read buffer has to grow twice
        var frame = Signed(hello);
        for (var offset = 0; offset < frame.Length; offset += 7_000)
        {
            await peer.SendAsync(frame[offset..Math.Min(offset + 7_000, frame.Length)]);
        }

        await Eventually.TrueAsync(() => harness.Pool.ReadyCount("cpu") == 1, Deadline, "the large hello was read whole");

        // The next frames, after the buffer went back to its usual size, are read as before: a hop and its answer.
        using var deadline = new CancellationTokenSource(Deadline);
        var answered = harness.Transport.SendAsync(TcpLocalHarness.Hop("core", "sys.echo"), deadline.Token).AsTask();
        var hop = await peer.ReadEnvelopeAsync(Deadline);
        var answer = hop.CreateAnswer(EnvelopeKind.Reply, "{\"ok\":true}"u8.ToArray());
        answer.Headers[TcpLocalProtocol.HopHeader] = hop.Headers[TcpLocalProtocol.HopHeader];
        await peer.SendAsync(Signed(answer));

        Assert.Equal("{\"ok\":true}", Encoding.UTF8.GetString((await answered.WaitAsync(Deadline)).Payload.Span));
        Assert.Equal(0, harness.Listener.RejectedFrames);
    }

    [Fact]
    public async Task Connection_WithoutHelloInTime_IsClosed()
    {
        await using var harness = await TcpLocalHarness.StartAsync(withWorker: false, helloTimeout: TimeSpan.FromSeconds(1));
        await using var peer = await harness.AdmittedPeerAsync();

        Assert.True(await peer.ClosedByHostAsync(Deadline));
    }

    [Fact]
    public async Task Worker_SilentPastHeartbeatTimeout_IsDroppedAndItsHopsAnswerUnavailable()
    {
        await using var harness = await TcpLocalHarness.StartAsync(withWorker: false, heartbeatTimeout: TimeSpan.FromSeconds(3));
        await using var silent = await harness.AdmittedPeerAsync();
        var hello = CpuHello("cpu-silent");
        await silent.SendAsync(Signed(hello));
        await Eventually.TrueAsync(() => harness.Pool.ReadyCount("cpu") == 1, Deadline, "the silent peer is a worker");
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));

        var answer = await harness.Transport.SendAsync(TcpLocalHarness.Hop("core", "sys.echo"), deadline.Token).AsTask().WaitAsync(Deadline);

        Assert.Equal(ErrorCode.Unavailable, PortwayError.FromPayload(answer.Payload.Span).Code);
        Assert.Contains("no heartbeat", PortwayError.FromPayload(answer.Payload.Span).Message, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => harness.Pool.ReadyCount("cpu") == 0, Deadline, "the silent worker left the pool");
        Assert.True(await silent.ClosedByHostAsync(Deadline));
    }
}
