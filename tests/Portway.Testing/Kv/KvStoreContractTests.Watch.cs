using Xunit;
using Portway.Kv;

namespace Portway.Testing.Kv;

public abstract partial class KvStoreContractTests
{
    [Fact]
    public async Task WatchPrefix_CurrentValuesFirstInKeyOrder_ThenChangesInOrder_DeletionIsAnEvent()
    {
        var vb = await Store.SetAsync(P + "b", B("b0"));
        var va = await Store.SetAsync(P + "a", B("a0"));
        await Store.SetAsync(P[..^1] + "-outside", B("no"));

        await using var watch = new KvWatchReader(Store, KvSelector.ForPrefix(P));
        var first = await watch.NextAsync();
        var second = await watch.NextAsync();
        Assert.Equal((P + "a", KvChangeKind.Current, "a0", va), (first.Key, first.Kind, S(first.Value), first.Version));
        Assert.Equal((P + "b", KvChangeKind.Current, "b0", vb), (second.Key, second.Kind, S(second.Value), second.Version));

        var v1 = await Store.SetAsync(P + "c", B("c1"));
        await Store.SetAsync(P[..^1] + "-outside", B("still no"));
        Assert.True(await Store.DeleteAsync(P + "a"));
        var v2 = await Store.SetAsync(P + "c", B("c2"));

        var e1 = await watch.NextAsync();
        var e2 = await watch.NextAsync();
        var e3 = await watch.NextAsync();
        Assert.Equal((P + "c", KvChangeKind.Set, "c1", v1), (e1.Key, e1.Kind, S(e1.Value), e1.Version));
        Assert.Equal((P + "a", KvChangeKind.Deleted), (e2.Key, e2.Kind));
        Assert.Equal((P + "c", KvChangeKind.Set, "c2", v2), (e3.Key, e3.Kind, S(e3.Value), e3.Version));
    }

    [Fact]
    public async Task WatchKeys_OnlyTheNamedKeys_MissingKeyHasNoCurrentEvent()
    {
        await Store.SetAsync(P + "x", B("x0"));
        await Store.SetAsync(P + "y", B("y0"));
        await using var watch = new KvWatchReader(Store, KvSelector.ForKeys(P + "y", P + "z"));
        var current = await watch.NextAsync();
        Assert.Equal((P + "y", KvChangeKind.Current, "y0"), (current.Key, current.Kind, S(current.Value)));

        await Store.SetAsync(P + "x", B("x1"));
        await Store.SetAsync(P + "zz", B("zz"));
        await Store.SetAsync(P + "z", B("z1"));
        var next = await watch.NextAsync();
        Assert.Equal((P + "z", KvChangeKind.Set, "z1"), (next.Key, next.Kind, S(next.Value)));
    }

    [Fact]
    public async Task Watch_ManyWritesToOneKey_SeenInOrder_AllOfThem()
    {
        await using var watch = new KvWatchReader(Store, KvSelector.ForKeys(P + "k"));
        var versions = new List<long>();
        for (var i = 0; i < 200; i++) versions.Add(await Store.SetAsync(P + "k", B(i.ToString(System.Globalization.CultureInfo.InvariantCulture))));

        for (var i = 0; i < 200; i++)
        {
            var e = await watch.NextAsync();
            Assert.Equal((KvChangeKind.Set, i.ToString(System.Globalization.CultureInfo.InvariantCulture), versions[i]), (e.Kind, S(e.Value), e.Version));
        }
    }

    [Fact]
    public async Task Watch_ConcurrentWritersOnManyKeys_OrderPerKeyKept()
    {
        await using var watch = new KvWatchReader(Store, KvSelector.ForPrefix(P));
        const int Keys = 4;
        const int Writes = 50;
        var written = await Task.WhenAll(Enumerable.Range(0, Keys).Select(k => Task.Run(async () =>
        {
            var versions = new List<long>();
            for (var i = 0; i < Writes; i++) versions.Add(await Store.SetAsync($"{P}k{k}", B($"{i}")));
            return versions;
        })));

        var seen = Enumerable.Range(0, Keys).Select(_ => new List<long>()).ToArray();
        for (var n = 0; n < Keys * Writes; n++)
        {
            var e = await watch.NextAsync();
            seen[int.Parse(e.Key[(P.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture)].Add(e.Version);
        }

        for (var k = 0; k < Keys; k++) Assert.Equal(written[k], seen[k]);
    }

    [Fact]
    public async Task Watch_Cancelled_StopsTheEnumeration()
    {
        await Store.SetAsync(P + "a", B("a"));
        await using var watch = new KvWatchReader(Store, KvSelector.ForPrefix(P));
        Assert.Equal(KvChangeKind.Current, (await watch.NextAsync()).Kind);
        watch.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await watch.MoveNextAsync().AsTask().WaitAsync(KvWatchReader.Deadline));
    }

    [Fact]
    public async Task TwoWatchers_BothSeeEveryChange()
    {
        await using var one = new KvWatchReader(Store, KvSelector.ForPrefix(P));
        await using var two = new KvWatchReader(Store, KvSelector.ForKeys(P + "shared"));
        var v = await Store.SetAsync(P + "shared", B("s"));
        Assert.Equal(v, (await one.NextAsync()).Version);
        Assert.Equal(v, (await two.NextAsync()).Version);
    }
}
