using System.Collections.Concurrent;

namespace Portway.Framework.Tests;

public sealed class EnvelopeIdsTests
{
    [Fact]
    public void FillNonce_ManyCallsOverSeveralBatches_AllDistinctAndNotZero()
    {
        var seen = new HashSet<Guid>();
        Span<byte> nonce = stackalloc byte[16];
        for (var i = 0; i < 10_000; i++)
        {
            EnvelopeIds.FillNonce(nonce);
            Assert.True(nonce.ContainsAnyExcept((byte)0));
            Assert.True(seen.Add(new Guid(nonce)));
        }
    }

    [Fact]
    public void FillNonce_FromManyThreads_AllDistinct()
    {
        var seen = new ConcurrentDictionary<Guid, byte>();
        var duplicates = 0;

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            Span<byte> nonce = stackalloc byte[16];
            for (var i = 0; i < 5_000; i++)
            {
                EnvelopeIds.FillNonce(nonce);
                if (!seen.TryAdd(new Guid(nonce), 0))
                {
                    Interlocked.Increment(ref duplicates);
                }
            }
        });

        Assert.Equal(0, duplicates);
        Assert.Equal(40_000, seen.Count);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(17)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(5000)]
    public void FillNonce_AnyLength_FillsTheWholeSpan(int length)
    {
        // Two requests of the same length (8 bytes or more) never come back equal: each fills its whole span with fresh bytes.
        var first = new byte[length];
        var second = new byte[length];
        EnvelopeIds.FillNonce(first);
        EnvelopeIds.FillNonce(second);

        Assert.NotEqual(first, second);
        if (length >= 16)
        {
            Assert.True(first.AsSpan(length - 8).ContainsAnyExcept((byte)0));
        }
    }

    [Fact]
    public void NewId_FromManyThreads_ThirtyTwoLowerHexCharactersAndAllDistinct()
    {
        var seen = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        var malformed = new ConcurrentBag<string>();

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                var id = EnvelopeIds.NewId();
                if (id.Length != 32 || id.AsSpan().ContainsAnyExcept("0123456789abcdef"))
                {
                    malformed.Add(id);
                }

                seen.TryAdd(id, 0);
            }
        });

        Assert.Empty(malformed);
        Assert.Equal(20_000, seen.Count);
    }
}
