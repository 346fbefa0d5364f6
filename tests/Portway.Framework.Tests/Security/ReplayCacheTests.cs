using System.Security.Cryptography;
using Portway.Internal.Security;

namespace Portway.Framework.Tests.Security;

public sealed class ReplayCacheTests
{
    private static byte[][] Nonces(int count) => Enumerable.Range(0, count).Select(_ => RandomNumberGenerator.GetBytes(16)).ToArray();

    [Fact]
    public void TryAdd_LargeCapacity_RemembersEveryNonceUpToCapacity()
    {
        var cache = new ReplayCache(100_000);
        var nonces = Nonces(100_000);

        Assert.All(nonces, n => Assert.True(cache.TryAdd(n)));
        Assert.Equal(100_000, cache.Count);
        Assert.All(nonces, n => Assert.False(cache.TryAdd(n)));
    }

    [Fact]
    public void TryAdd_OverCapacity_RemembersExactlyTheLastCapacityNonces()
    {
        const int capacity = 5000;
        var cache = new ReplayCache(capacity);
        var nonces = Nonces(capacity * 3);
        foreach (var n in nonces)
        {
            Assert.True(cache.TryAdd(n));
        }

        Assert.Equal(capacity, cache.Count);
        // The last `capacity` are remembered (re-adding one of them forgets nothing that is checked after it)...
        Assert.All(nonces[^capacity..], n => Assert.False(cache.TryAdd(n)));
        // ...and the one just before them was forgotten: accepted again, which pushes out the oldest remembered.
        Assert.True(cache.TryAdd(nonces[^(capacity + 1)]));
        Assert.True(cache.TryAdd(nonces[^capacity]));
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
                if (cache.TryAdd(n))
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

        Assert.False(cache.TryAdd(new byte[15]));
        Assert.False(cache.TryAdd(new byte[17]));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Constructor_CapacityBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReplayCache(0));
    }
}
