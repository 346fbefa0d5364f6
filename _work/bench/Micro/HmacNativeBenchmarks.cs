using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Portway.Internal.Security;

namespace Portway.Benchmarks;

/// <summary>Issue 11 item 13: HMAC-SHA256 of a hop's canonical bytes (256-byte payload), libcrypto SHA256_* direct against .NET's keyed IncrementalHash.</summary>
[MemoryDiagnoser]
public class HmacNativeBenchmarks
{
    private readonly byte[] _mac = new byte[32];
    private byte[] _canonical = [];
    private HmacSha256 _native = null!;
    private HmacSha256 _platform = null!;

    [GlobalSetup]
    public void Setup()
    {
        var envelope = SampleEnvelopes.Hop(256);
        _canonical = new byte[EnvelopeCodec.GetLength(envelope)];
        EnvelopeCodec.Write(envelope, _canonical);
        var key = RandomNumberGenerator.GetBytes(32);
        _native = new HmacSha256(key);
        _platform = new HmacSha256(key, preferNative: false);
        if (!_native.IsNative) throw new InvalidOperationException("no libcrypto");
    }

    [Benchmark(Baseline = true)]
    public void Platform() => _platform.Compute(_canonical, _mac);

    [Benchmark]
    public void Native() => _native.Compute(_canonical, _mac);

    [Benchmark]
    public void NonceFromBatch() => EnvelopeIds.FillNonce(_mac.AsSpan(0, 16));
}
