using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Portway.Internal.Security;

namespace Portway.Benchmarks;

/// <summary>
/// Envelope sign + verify (HMAC-SHA256 over the canonical bytes, ts check, replay cache) for a stage hop
/// with a 256-byte payload. Target: no allocation beyond the output buffer, ≥ 1,000,000 per second on one core.
/// </summary>
[MemoryDiagnoser]
public class SignVerifyBenchmarks
{
    private EnvelopeSigner _signer = null!;
    private Envelope _envelope = null!;
    private readonly byte[] _signature = new byte[EnvelopeCodec.SignatureLength];
    private byte[] _canonical = [];

    [Params(256)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _signer = new EnvelopeSigner(RandomNumberGenerator.GetBytes(32), TimeProvider.System, TimeSpan.FromSeconds(30), 100_000);
        _envelope = SampleEnvelopes.Hop(PayloadBytes);
        _canonical = new byte[EnvelopeCodec.GetLength(_envelope)];
    }

    /// <summary>What every hop does: sign (ts, nonce, signature) then verify as the receiver (signature, ts, replay cache).</summary>
    [Benchmark(Baseline = true)]
    public bool SignAndVerify()
    {
        _signer.Sign(_envelope);
        return _signer.Verify(_envelope) is null;
    }

    /// <summary>What the memory transport does per hop direction (and what a frame carries): sign into the canonical bytes, verify those bytes.</summary>
    [Benchmark]
    public bool SignAndVerifyCanonical()
    {
        var written = _signer.Sign(_envelope, _canonical);
        return _signer.Verify(_envelope, _canonical.AsSpan(0, written)) is null;
    }

    /// <summary>The signature alone: canonical bytes + HMAC-SHA256, into a caller's buffer.</summary>
    [Benchmark]
    public byte ComputeSignature()
    {
        _signer.ComputeSignature(_envelope, _signature);
        return _signature[0];
    }
}
