using System.Security.Cryptography;
using Portway.Internal.Security;

namespace Portway.Framework.Tests.Security;

public sealed class HmacSha256Tests
{
    [Fact]
    public void UsesLibcrypto_ExactlyOnLinux()
    {
        // .NET's own cryptography needs libcrypto on Linux, so the fast path must be found there (and only there).
        using var hmac = new HmacSha256(RandomNumberGenerator.GetBytes(32));
        Assert.Equal(OperatingSystem.IsLinux(), OpenSslSha256.IsAvailable);
        Assert.Equal(OperatingSystem.IsLinux(), hmac.IsNative);
    }

    [Theory]
    [InlineData(16, true)]
    [InlineData(32, true)]
    [InlineData(64, true)]
    [InlineData(65, true)]
    [InlineData(200, true)]
    [InlineData(32, false)]
    [InlineData(200, false)]
    public void Compute_MatchesThePlatformHmac_ForEveryLength(int keyLength, bool preferNative)
    {
        var key = RandomNumberGenerator.GetBytes(keyLength);
        using var hmac = new HmacSha256(key, preferNative);
        Assert.Equal(preferNative && OperatingSystem.IsLinux(), hmac.IsNative);
        var data = RandomNumberGenerator.GetBytes(5000);
        var expected = new byte[32];
        var actual = new byte[32];

        // Block edges (55/56/63/64/65, 119/120), the short/long native call boundary (2048/2049) and large inputs.
        foreach (var length in new[] { 0, 1, 31, 32, 55, 56, 63, 64, 65, 119, 120, 127, 128, 420, 1023, 2048, 2049, 4096, 5000 })
        {
            HMACSHA256.HashData(key, data.AsSpan(0, length), expected);
            hmac.Compute(data.AsSpan(0, length), actual);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"key {keyLength} bytes, data {length} bytes");
        }
    }

    [Fact]
    public void Compute_FromManyThreadsAtOnce_EachResultIsItsOwn()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        using var hmac = new HmacSha256(key);
        var mismatches = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            var data = new byte[300];
            var expected = new byte[32];
            var actual = new byte[32];
            for (var i = 0; i < 2000; i++)
            {
                BitConverter.TryWriteBytes(data, (worker * 100_000) + i);
                hmac.Compute(data, actual);
                HMACSHA256.HashData(key, data, expected);
                if (!expected.AsSpan().SequenceEqual(actual))
                {
                    Interlocked.Increment(ref mismatches);
                }
            }
        });

        Assert.Equal(0, mismatches);
    }

    [Fact]
    public void Compute_AllocatesNothing()
    {
        using var hmac = new HmacSha256(RandomNumberGenerator.GetBytes(32));
        var data = RandomNumberGenerator.GetBytes(420);
        Span<byte> mac = stackalloc byte[32];
        hmac.Compute(data, mac);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            hmac.Compute(data, mac);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Compute_ShortDestination_Throws()
    {
        using var hmac = new HmacSha256(RandomNumberGenerator.GetBytes(32));
        Assert.Throws<ArgumentException>(() => hmac.Compute([1, 2, 3], new byte[31]));
    }
}
