using BenchmarkDotNet.Attributes;
using Portway.Internal.Security;

namespace Portway.Benchmarks;

/// <summary>
/// The canonical envelope codec (what HMAC signs and what a tcp_local frame carries), 256-byte payload.
/// The tcp_local frame codec (length prefix + signature around these bytes) joins here once issue 4 lands it.
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private Envelope _envelope = null!;
    private byte[] _buffer = null!;
    private byte[] _encoded = null!;

    [Params(256)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _envelope = SampleEnvelopes.Hop(PayloadBytes);
        _envelope.Ts = 1_700_000_000_000;
        _envelope.Nonce = new byte[EnvelopeCodec.NonceLength];
        _buffer = new byte[EnvelopeCodec.GetLength(_envelope)];
        _encoded = _buffer[..EnvelopeCodec.Write(_envelope, _buffer)];
    }

    /// <summary>Length, then the canonical bytes into a caller's buffer.</summary>
    [Benchmark]
    public int Encode() => EnvelopeCodec.Write(_envelope, _buffer.AsSpan(0, EnvelopeCodec.GetLength(_envelope)));

    /// <summary>Canonical bytes back to an envelope (bounds-checked).</summary>
    [Benchmark]
    public Envelope Decode() => EnvelopeCodec.Read(_encoded, 1 << 20);
}
