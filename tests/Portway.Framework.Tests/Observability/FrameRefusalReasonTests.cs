using System.Buffers.Binary;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using Portway.Framework.Tests.Transport.TcpLocal;
using Portway.Internal.Observability;
using Portway.Internal.Transport.TcpLocal;
using Portway.Testing;

namespace Portway.Framework.Tests.Observability;

/// <summary>
/// Each kind of bad frame sent to the real tcp_local listener (over a real, admitted socket) is counted under its
/// own reason, in <see cref="IpcRefusals"/> and in the <c>portway.tcp_local.frames_rejected</c> counter's <c>reason</c> tag.
/// </summary>
public sealed class FrameRefusalReasonTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private static readonly byte[] WrongKey = "not the key, but 32 bytes long.."u8.ToArray();

    private static Envelope Control() => new() { Id = EnvelopeIds.NewId(), Kind = EnvelopeKind.Control, Route = TcpLocalProtocol.Heartbeat };

    private static byte[] Signed(Envelope envelope, TimeSpan clockOffset = default, byte[]? key = null) =>
        Frames.Encode(envelope, Frames.Signer(new FakeTimeProvider(DateTimeOffset.UtcNow + clockOffset), key));

    public static TheoryData<string, string> Refusals() => new()
    {
        { "signed with another key", FrameRefusalReason.BadSignature },
        { "ts two minutes old", FrameRefusalReason.Expired },
        { "ts two minutes ahead", FrameRefusalReason.Future },
        { "the same frame twice", FrameRefusalReason.Replayed },
        { "a request sent to the host", FrameRefusalReason.KindNotAccepted },
        { "an unknown kind byte", FrameRefusalReason.Malformed },
        { "a length prefix over the limit", FrameRefusalReason.Oversize },
        { "a frame cut short", FrameRefusalReason.Truncated },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task BadFrame_IsCountedUnderItsReason_InStatsAndTheMetric(string attack, string reason)
    {
        await using var harness = await TcpLocalHarness.StartAsync();
        await using var peer = await harness.AdmittedPeerAsync();

        await SendAsync(attack, peer, harness);

        await Eventually.TrueAsync(() => harness.Refusals.RejectedFrames >= 1, Deadline, $"'{attack}' was refused");
        var counted = harness.Refusals.RejectedFramesByReason().Where(r => r.Value > 0).ToDictionary();
        Assert.Equal(new Dictionary<string, long> { [reason] = 1 }, counted);
        Assert.Equal(1, Observe(harness.Telemetry.Meter)[reason]);
        Assert.Equal(0, Observe(harness.Telemetry.Meter)[FrameRefusalReason.Other]);
        Assert.Equal("{\"x\":1}", await harness.EchoAsync());
    }

    [Fact]
    public void Of_EveryMessageTheSignerAndVerifierGive_HasAReasonOtherThanOther()
    {
        Assert.Equal(FrameRefusalReason.BadSignature, FrameRefusalReason.Of(new PortwayError(ErrorCode.Unauthorized, "envelope is not signed")));
        Assert.Equal(FrameRefusalReason.ReplayWindow, FrameRefusalReason.Of(new PortwayError(ErrorCode.Unauthorized,
            "envelope ts is older than the nonces the replay guard still holds (a burst over nonce_cache_size per TTL)")));
        Assert.Equal(FrameRefusalReason.PayloadTooLarge, FrameRefusalReason.Of(new PortwayError(ErrorCode.PayloadTooLarge, "payload over the limit")));
        Assert.Equal(FrameRefusalReason.Malformed, FrameRefusalReason.OfFraming("frame of 3 bytes is shorter than any envelope"));
        Assert.Equal(FrameRefusalReason.Other, FrameRefusalReason.Of(new PortwayError(ErrorCode.Internal, "anything else")));
    }

    [Fact]
    public void FrameRejected_UnknownReason_CountsAsOther()
    {
        var refusals = new IpcRefusals();

        refusals.FrameRejected("made up");

        Assert.Equal(1, refusals.RejectedFramesByReason().Single(r => r.Key == FrameRefusalReason.Other).Value);
        Assert.Equal(1, refusals.RejectedFrames);
    }

    /// <summary>The counter's current values by reason, read from its meter as an exporter reads them.</summary>
    private static Dictionary<string, long> Observe(Meter meter)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == "portway.tcp_local.frames_rejected") l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason") values[(string)tag.Value!] = value;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }

    private static async Task SendAsync(string attack, RawPeer peer, TcpLocalHarness harness)
    {
        switch (attack)
        {
            case "signed with another key":
                await peer.SendAsync(Signed(Control(), key: WrongKey));
                break;
            case "ts two minutes old":
                await peer.SendAsync(Signed(Control(), TimeSpan.FromMinutes(-2)));
                break;
            case "ts two minutes ahead":
                await peer.SendAsync(Signed(Control(), TimeSpan.FromMinutes(2)));
                break;
            case "the same frame twice":
            {
                // Good once (on its own connection, which a heartbeat does not make a worker), never twice.
                var frame = Signed(Control());
                await using (var first = await harness.AdmittedPeerAsync())
                {
                    await first.SendAsync(frame);
                    Assert.True(await first.ClosedByHostAsync(Deadline));
                }

                await peer.SendAsync(frame);
                break;
            }

            case "a request sent to the host":
                await peer.SendAsync(Signed(TcpLocalHarness.Hop("core", "sys.echo")));
                break;
            case "an unknown kind byte":
            {
                var envelope = Control();
                Frames.Signer(new FakeTimeProvider(DateTimeOffset.UtcNow)).Stamp(envelope);
                var canonical = Frames.Canonical(envelope);
                canonical[1] = 0x7f;
                await peer.SendAsync(Frames.FromCanonical(canonical));
                break;
            }

            case "a length prefix over the limit":
            {
                var prefix = new byte[8];
                BinaryPrimitives.WriteUInt32BigEndian(prefix, 0x7fff_fff0);
                await peer.SendAsync(prefix);
                break;
            }

            case "a frame cut short":
            {
                var frame = Signed(Control());
                await peer.SendAsync(frame[..(frame.Length / 2)]);
                peer.CloseSend();
                break;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(attack), attack, null);
        }
    }
}
