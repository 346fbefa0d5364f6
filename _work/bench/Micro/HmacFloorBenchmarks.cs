using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Portway.Internal.Security;

namespace Portway.Benchmarks;

/// <summary>
/// The floor under sign + verify: HMAC-SHA256 over a hop's canonical bytes (256-byte payload) through the
/// platform's crypto (OpenSSL on Linux), one-shot versus a keyed instance reset after each use.
/// </summary>
[MemoryDiagnoser]
public class HmacFloorBenchmarks
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _mac = new byte[32];
    private byte[] _canonical = [];
    private IncrementalHash _hmac = null!;

    [GlobalSetup]
    public void Setup()
    {
        var envelope = SampleEnvelopes.Hop(256);
        _canonical = new byte[EnvelopeCodec.GetLength(envelope)];
        EnvelopeCodec.Write(envelope, _canonical);
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
    }

    [GlobalCleanup]
    public void Cleanup() => _hmac.Dispose();

    [Benchmark(Baseline = true)]
    public int OneShot() => HMACSHA256.HashData(_key, _canonical, _mac);

    [Benchmark]
    public int KeyedReused()
    {
        _hmac.AppendData(_canonical);
        return _hmac.GetHashAndReset(_mac);
    }

    [Benchmark]
    public int Sha256Only() => SHA256.HashData(_canonical, _mac);
}
