using System.Security.Cryptography;
using Portway.Internal.Security;

namespace Portway.Framework.Tests.Security;

public sealed class ReplayCacheTests
{
    private static byte[][] Nonces(int count) => Enumerable.Range(0, count).Select(_ => RandomNumberGenerator.GetBytes(16)).ToArray();

    private static bool Add(ReplayCache cache, byte[] nonce, long ts = 1) => cache.TryAdd(nonce, ts) == ReplayVerdict.Fresh;

    [Fact]
    public void TryAdd_LargeCapacity_RemembersEveryNonceUpToCapacity()
    {
        var cache = new ReplayCache(100_000);
        var nonces = Nonces(100_000);

        Assert.All(nonces, n => Assert.True(Add(cache, n)));
        Assert.Equal(100_000, cache.Count);
        Assert.All(nonces, n => Assert.False(Add(cache, n)));
    }

    [Fact]
    public void TryAdd_OverCapacity_RemembersTheLastCapacityNoncesAndRefusesAnythingAsOldAsOneForgotten()
    {
        const int capacity = 5000;
        var cache = new ReplayCache(capacity);
        var nonces = Nonces(capacity * 3);
        for (var i = 0; i < nonces.Length; i++)
        {
            Assert.Equal(ReplayVerdict.Fresh, cache.TryAdd(nonces[i], i));
        }

        Assert.Equal(capacity, cache.Count);
        Assert.Equal((2 * capacity) - 1, cache.Watermark);
        Assert.All(Enumerable.Range(2 * capacity, capacity), i => Assert.Equal(ReplayVerdict.Replayed, cache.TryAdd(nonces[i], i)));

        // The one just before them was forgotten: refused by its ts, at any rate, however long ago it was forgotten.
        Assert.Equal(ReplayVerdict.BeyondMemory, cache.TryAdd(nonces[(2 * capacity) - 1], (2 * capacity) - 1));
        Assert.Equal(ReplayVerdict.BeyondMemory, cache.TryAdd(nonces[0], 0));

        // A new nonce stamped after the watermark is fresh.
        Assert.Equal(ReplayVerdict.Fresh, cache.TryAdd(RandomNumberGenerator.GetBytes(16), 3 * capacity));
        Assert.Equal(capacity, cache.Count);
    }

    [Fact]
    public void TryAdd_SameNoncesFromManyThreads_EachAcceptedExactlyOnce()
    {
        var cache = new ReplayCache(100_000);
        var nonces = Nonces(20_000);
        var accepted = 0;

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            foreach (var n in nonces)
            {
                if (Add(cache, n))
                {
                    Interlocked.Increment(ref accepted);
                }
            }
        });

        Assert.Equal(nonces.Length, accepted);
        Assert.Equal(nonces.Length, cache.Count);
    }

    [Fact]
    public void TryAdd_NotSixteenBytes_IsRefused()
    {
        var cache = new ReplayCache(10);

        Assert.False(Add(cache, new byte[15]));
        Assert.False(Add(cache, new byte[17]));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Constructor_CapacityBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReplayCache(0));
    }
}
