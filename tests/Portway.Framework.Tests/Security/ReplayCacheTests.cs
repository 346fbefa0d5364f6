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

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 2)]
    [InlineData(64, 3)]
    [InlineData(1000, 4)]
    public void TryAdd_RandomMixOfNewAndRepeatedNonces_SameVerdictsAsAPlainSetAndRing(int capacity, int seed)
    {
        // Low-entropy nonces (few distinct bytes, the all-zero one among them) so probe sequences collide and removals shift.
        var random = new Random(seed);
        var pool = Enumerable.Range(0, capacity * 3).Select(_ =>
        {
            var nonce = new byte[16];
            nonce[random.Next(16)] = (byte)random.Next(4);
            nonce[random.Next(16)] = (byte)random.Next(4);
            return nonce;
        }).ToArray();
        var cache = new ReplayCache(capacity);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ring = new Queue<(string Nonce, long Ts)>();
        var watermark = long.MinValue;
        for (long ts = 1; ts <= capacity * 20; ts++)
        {
            var nonce = pool[random.Next(pool.Length)];
            var key = Convert.ToHexString(nonce);
            var stamped = ts - random.Next(3);
            ReplayVerdict expected;
            if (stamped <= watermark) expected = ReplayVerdict.BeyondMemory;
            else if (!seen.Add(key)) expected = ReplayVerdict.Replayed;
            else
            {
                ring.Enqueue((key, stamped));
                if (ring.Count > capacity)
                {
                    var (oldest, oldestTs) = ring.Dequeue();
                    seen.Remove(oldest);
                    watermark = Math.Max(watermark, oldestTs);
                }

                expected = ReplayVerdict.Fresh;
            }

            Assert.Equal(expected, cache.TryAdd(nonce, stamped));
        }

        Assert.Equal(ring.Count, cache.Count);
        Assert.Equal(watermark, cache.Watermark);
    }

    [Fact]
    public void TryAdd_AllZeroNonce_RememberedAndForgottenLikeAnyOther()
    {
        var cache = new ReplayCache(2);
        var zero = new byte[16];

        Assert.Equal(ReplayVerdict.Fresh, cache.TryAdd(zero, 1));
        Assert.Equal(ReplayVerdict.Replayed, cache.TryAdd(zero, 2));
        Assert.Equal(ReplayVerdict.Fresh, cache.TryAdd(RandomNumberGenerator.GetBytes(16), 3));
        Assert.Equal(ReplayVerdict.Fresh, cache.TryAdd(RandomNumberGenerator.GetBytes(16), 4));

        // Forgotten (the oldest), so refused by its ts now, and fresh again when stamped after the watermark.
        Assert.Equal(1, cache.Watermark);
        Assert.Equal(ReplayVerdict.Fresh, cache.TryAdd(zero, 5));
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
