using System.Buffers;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Portway.Internal.Security;
using Portway.Internal.Transport.TcpLocal;

namespace Portway.Benchmarks;

/// <summary>
/// The tcp_local frame codec (<c>u32 length · canonical envelope · HMAC</c>) for a stage hop with a 256-byte
/// payload: encode (stamp, write, sign into a pooled buffer), and one direction of a hop end to end
/// (encode, take the frame off the byte stream, decode and verify it as the receiver does).
/// </summary>
[MemoryDiagnoser]
public class FrameBenchmarks
{
    private const int MaxPayload = 1 << 20;
    private EnvelopeSigner _sender = null!;
    private FrameVerifier _receiver = null!;
    private Envelope _envelope = null!;

    [Params(256)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        _sender = new EnvelopeSigner(key, TimeProvider.System, TimeSpan.FromSeconds(30), 100_000);
        _receiver = new FrameVerifier(new EnvelopeSigner(key, TimeProvider.System, TimeSpan.FromSeconds(30), 100_000), MaxPayload,
            new HashSet<EnvelopeKind> { EnvelopeKind.Request, EnvelopeKind.Reply, EnvelopeKind.Error });
        _envelope = SampleEnvelopes.Hop(PayloadBytes);
    }

    [Benchmark]
    public int Encode()
    {
        _sender.Stamp(_envelope);
        var (buffer, length) = FrameCodec.Encode(_envelope, _sender, MaxPayload);
        ArrayPool<byte>.Shared.Return(buffer);
        return length;
    }

    [Benchmark]
    public Envelope? EncodeReadVerify()
    {
        _sender.Stamp(_envelope);
        var (buffer, length) = FrameCodec.Encode(_envelope, _sender, MaxPayload);
        try
        {
            var stream = new ReadOnlySequence<byte>(buffer, 0, length);
            FrameCodec.TryRead(ref stream, FrameCodec.MaxBodyLength(MaxPayload), out var body);
            return _receiver.Verify(body, out _, out _);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
