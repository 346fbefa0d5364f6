using Portway.Pipelines.NodeDirectory;

namespace Portway.Pipelines.Tests.NodeDirectory;

public sealed class VerifiedTokenCacheTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void OverCapacity_EvictsTheLeastRecentlyUsed()
    {
        var cache = new VerifiedTokenCache(2);
        cache.Add("a", "na", Now.AddMinutes(5), Now);
        cache.Add("b", "nb", Now.AddMinutes(5), Now);
        Assert.True(cache.TryGet("a", Now, out _, out _));

        cache.Add("c", "nc", Now.AddMinutes(5), Now);

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet("a", Now, out var node, out _));
        Assert.Equal("na", node);
        Assert.False(cache.TryGet("b", Now, out _, out _));
        Assert.True(cache.TryGet("c", Now, out _, out _));
    }

    [Fact]
    public void Entry_TrustedAtMostOneHour_EvenForALongerToken()
    {
        var cache = new VerifiedTokenCache(10);
        cache.Add("a", "na", Now.AddHours(5), Now);

        Assert.True(cache.TryGet("a", Now + VerifiedTokenCache.MaxAge - TimeSpan.FromTicks(1), out _, out _));
        Assert.False(cache.TryGet("a", Now + VerifiedTokenCache.MaxAge, out _, out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Entry_NotTrustedPastTheTokensExpiry()
    {
        var cache = new VerifiedTokenCache(10);
        cache.Add("a", "na", Now.AddMinutes(5), Now);

        Assert.False(cache.TryGet("a", Now.AddMinutes(5), out _, out _));
    }
}
