using Microsoft.Extensions.Time.Testing;
using Portway.Internal.Kv;
using Portway.Kv;
using Portway.Testing.Kv;

namespace Portway.Framework.Tests.Kv;

/// <summary>The kv contract on the memory backend (fake clock), plus what only the memory backend promises.</summary>
public sealed class MemoryKvStoreTests : KvStoreContractTests, IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly MemoryKvStore _store;

    public MemoryKvStoreTests() => _store = new MemoryKvStore(_time);

    protected override IKvStore Store => _store;

    protected override void Elapse(TimeSpan duration) => _time.Advance(duration);

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Get_AtTheExpiryInstant_IsGone_BeforeIt_IsThere()
    {
        await _store.SetAsync("k", B("v"), TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        Assert.NotNull(await _store.GetAsync("k"));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Null(await _store.GetAsync("k"));
    }

    [Fact]
    public async Task SlowWatcher_FallsMoreThanItsBoundBehind_EndsWithUnavailable_OthersUnaffected()
    {
        using var store = new MemoryKvStore(_time, watchCapacity: 4);
        await using var slow = new KvWatchReader(store, KvSelector.ForPrefix("p/"));
        await using var fast = new KvWatchReader(store, KvSelector.ForPrefix("p/"));
        for (var i = 0; i < 10; i++)
        {
            await store.SetAsync("p/k", B($"{i}"));
            Assert.Equal($"{i}", S((await fast.NextAsync()).Value));
        }

        // The slow reader gets what was queued before it fell behind (its pending first read may have taken
        // one more), in order, then the error; never all ten.
        var read = new List<string>();
        PortwayException? ended = null;
        while (ended is null)
        {
            try
            {
                read.Add(S((await slow.NextAsync()).Value));
            }
            catch (PortwayException ex)
            {
                ended = ex;
            }
        }

        Assert.InRange(read.Count, 4, 5);
        Assert.Equal(Enumerable.Range(0, read.Count).Select(i => $"{i}"), read);
        Assert.Equal(ErrorCode.Unavailable, ended.Error.Code);
        Assert.Contains("fell more than 4 changes behind", ended.Error.Message, StringComparison.Ordinal);

        await store.SetAsync("p/k", B("after"));
        Assert.Equal("after", S((await fast.NextAsync()).Value));
    }

    [Fact]
    public async Task Watch_Disposed_IsUnregistered()
    {
        var watch = new KvWatchReader(_store, KvSelector.ForPrefix(""));
        await _store.SetAsync("a", B("1"));
        Assert.Equal(KvChangeKind.Set, (await watch.NextAsync()).Kind);
        await watch.DisposeAsync();
        // A write after the watch went away reaches no one (and does not fail).
        await _store.SetAsync("a", B("2"));
        Assert.Equal("2", S((await _store.GetAsync("a"))!.Value));
    }

    [Fact]
    public async Task Dispose_EndsOpenWatches()
    {
        var store = new MemoryKvStore(_time);
        await using var watch = new KvWatchReader(store, KvSelector.ForPrefix(""));
        store.Dispose();
        var ended = await Assert.ThrowsAsync<PortwayException>(async () => await watch.NextAsync());
        Assert.Equal(ErrorCode.Unavailable, ended.Error.Code);
    }
}
