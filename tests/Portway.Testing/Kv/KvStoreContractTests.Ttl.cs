using Xunit;
using Portway.Kv;

namespace Portway.Testing.Kv;

public abstract partial class KvStoreContractTests
{
    [Fact]
    public async Task Set_WithTimeToLive_ExpiresAsADeletion()
    {
        await using var watch = new KvWatchReader(Store, KvSelector.ForPrefix(P));
        var version = await Store.SetAsync(P + "ttl", B("short"), ShortTtl);
        var set = await watch.NextAsync();
        Assert.Equal((P + "ttl", KvChangeKind.Set, version), (set.Key, set.Kind, set.Version));
        Assert.NotNull(await Store.GetAsync(P + "ttl"));

        Elapse(ShortTtl + TimeSpan.FromMilliseconds(1));
        var deleted = await watch.NextAsync();
        Assert.Equal((P + "ttl", KvChangeKind.Deleted), (deleted.Key, deleted.Kind));
        Assert.Null(await Store.GetAsync(P + "ttl"));
        Assert.Empty(await Store.ListKeysAsync(P));
    }

    [Fact]
    public async Task Set_WithoutTimeToLive_AfterOneWithIt_KeepsTheKey()
    {
        await using var watch = new KvWatchReader(Store, KvSelector.ForPrefix(P));
        await Store.SetAsync(P + "keep", B("1"), ShortTtl);
        await Store.SetAsync(P + "keep", B("2"));
        // A sentinel with the same time to live, written after: once it has expired, so would have 'keep'.
        await Store.SetAsync(P + "sentinel", B("s"), ShortTtl);
        Elapse(ShortTtl + TimeSpan.FromMilliseconds(1));

        var events = new List<KvChange>();
        while (events.Count == 0 || events[^1] is not { Kind: KvChangeKind.Deleted }) events.Add(await watch.NextAsync());
        Assert.Equal(P + "sentinel", events[^1].Key);
        Assert.DoesNotContain(events, e => e.Key == P + "keep" && e.Kind == KvChangeKind.Deleted);
        Assert.Equal("2", S((await Store.GetAsync(P + "keep"))!.Value));
    }

    [Fact]
    public async Task CompareAndSet_WithTimeToLive_Expires()
    {
        await using var watch = new KvWatchReader(Store, KvSelector.ForKeys(P + "lease"));
        var lease = await Store.CompareAndSetAsync(P + "lease", 0, B("holder-1"), ShortTtl);
        Assert.True(lease.Succeeded);
        Assert.Equal(KvChangeKind.Set, (await watch.NextAsync()).Kind);
        Assert.False((await Store.CompareAndSetAsync(P + "lease", 0, B("holder-2"), ShortTtl)).Succeeded);

        Elapse(ShortTtl + TimeSpan.FromMilliseconds(1));
        Assert.Equal(KvChangeKind.Deleted, (await watch.NextAsync()).Kind);
        Assert.True((await Store.CompareAndSetAsync(P + "lease", 0, B("holder-2"), ShortTtl)).Succeeded);
    }

    [Fact]
    public async Task Set_NonPositiveTimeToLive_Throws()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await Store.SetAsync(P + "x", B("x"), TimeSpan.Zero));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await Store.SetAsync(P + "x", B("x"), TimeSpan.FromSeconds(-1)));
        Assert.Null(await Store.GetAsync(P + "x"));
    }
}
