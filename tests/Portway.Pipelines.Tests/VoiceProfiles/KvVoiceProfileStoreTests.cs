using System.Text;
using System.Text.Json;
using Portway.Internal.Kv;
using Portway.Kv;
using Portway.Nodes;
using Portway.Pipelines.VoiceProfiles;

namespace Portway.Pipelines.Tests.VoiceProfiles;

/// <summary><c>profile_store: kv</c>, the file store's feed, and <c>voice.profile_watch</c>.</summary>
public sealed class KvVoiceProfileStoreTests : IDisposable
{
    private static readonly double[] V1 = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
    private static readonly double[] V2 = [0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1];
    private readonly MemoryKvStore _kv = new(TimeProvider.System);
    private readonly TempDataDir _dir = new();

    public void Dispose()
    {
        _kv.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Put_CreatedOnlyTheFirstTime_GetAndList_ReadBack()
    {
        var store = new KvVoiceProfileStore(_kv);
        Assert.True(await store.PutAsync("acme", "bob", V1, default));
        Assert.False(await store.PutAsync("acme", "bob", V2, default));
        Assert.True(await store.PutAsync("acme", "alice", V1, default));
        Assert.True(await store.PutAsync("other", "carol", V1, default));

        Assert.Equal(V2, await store.GetAsync("acme", "bob", default));
        Assert.Null(await store.GetAsync("acme", "nobody", default));
        Assert.Equal(["alice", "bob"], await store.ListAsync("acme", default));
        Assert.Empty(await store.ListAsync("nobody", default));
        var stored = await _kv.GetAsync("voice/profiles/acme/bob");
        Assert.Equal("acme", JsonDocument.Parse(stored!.Value).RootElement.GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task ConcurrentCreates_ExactlyOneSeesCreated()
    {
        var store = new KvVoiceProfileStore(_kv);
        var created = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () => await store.PutAsync("acme", "same", V1, default))));
        Assert.Equal(1, created.Count(c => c));
    }

    [Fact]
    public async Task BadNamesOrVector_AreValidationFailed_NothingStored()
    {
        var store = new KvVoiceProfileStore(_kv);
        Assert.Equal(ErrorCode.ValidationFailed, (await Assert.ThrowsAsync<PortwayException>(async () => await store.PutAsync("../x", "p", V1, default))).Error.Code);
        Assert.Equal(ErrorCode.ValidationFailed, (await Assert.ThrowsAsync<PortwayException>(async () => await store.PutAsync("acme", "p", [2.0], default))).Error.Code);
        Assert.Empty(await _kv.ListKeysAsync(""));
    }

    [Fact]
    public async Task StoredValueNotAProfile_IsInternal()
    {
        await _kv.SetAsync("voice/profiles/acme/broken", Encoding.UTF8.GetBytes("{\"vector\":[1]}"));
        var error = await Assert.ThrowsAsync<PortwayException>(async () => await new KvVoiceProfileStore(_kv).GetAsync("acme", "broken", default));
        Assert.Equal(ErrorCode.Internal, error.Error.Code);
    }

    [Fact]
    public async Task FileFeed_WritesTheFileAndTheKey_SeedKeepsNewerValues()
    {
        var feed = new FileProfileFeed(_dir.Store, _kv);
        await _dir.Store.PutAsync("acme", "old", V1, default);
        Assert.True(await feed.PutAsync("acme", "new", V1, default));
        Assert.Equal(V1, await _dir.Store.GetAsync("acme", "new", default));
        Assert.NotNull(await _kv.GetAsync("voice/profiles/acme/new"));
        Assert.Null(await _kv.GetAsync("voice/profiles/acme/old"));

        await _kv.SetAsync("voice/profiles/acme/new", JsonSerializer.SerializeToUtf8Bytes(new VoiceProfile("acme", "new", V2), NodeJson.Options));
        await feed.SeedAsync("acme", default);
        Assert.Equal(V1, KvVoiceProfileStore.Parse((await _kv.GetAsync("voice/profiles/acme/old"))!.Value, "acme", "old").Vector);
        Assert.Equal(V2, KvVoiceProfileStore.Parse((await _kv.GetAsync("voice/profiles/acme/new"))!.Value, "acme", "new").Vector);
    }

    [Fact]
    public async Task WatchNode_OnFileStore_SeedsCurrentProfiles_ThenStreamsPuts()
    {
        await _dir.Store.PutAsync("acme", "alice", V1, default);
        var feed = new FileProfileFeed(_dir.Store, _kv);
        var node = new ProfileWatchNode(feed, _kv);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var context = new NodeContext { Input = Encoding.UTF8.GetBytes("{\"tenant\":\"acme\"}"), Pipeline = "w", Stage = "w", TraceId = "t", RequestId = "r" };
        await using var items = node.StreamAsync(context, stop.Token).GetAsyncEnumerator(stop.Token);

        Assert.True(await items.MoveNextAsync());
        var current = JsonDocument.Parse(items.Current.Payload).RootElement;
        Assert.Equal(("alice", "current"), (current.GetProperty("profile").GetString(), current.GetProperty("kind").GetString()));

        await feed.PutAsync("acme", "alice", V2, default);
        Assert.True(await items.MoveNextAsync());
        var set = JsonDocument.Parse(items.Current.Payload).RootElement;
        Assert.Equal(("alice", "set", 0.8), (set.GetProperty("profile").GetString(), set.GetProperty("kind").GetString(), set.GetProperty("vector")[0].GetDouble()));
    }

    [Fact]
    public async Task WatchNode_BadTenant_IsOneValidationFailedItem()
    {
        var node = new ProfileWatchNode(new KvVoiceProfileStore(_kv), _kv);
        var context = new NodeContext { Input = Encoding.UTF8.GetBytes("{\"tenant\":\"a/b\"}"), Pipeline = "w", Stage = "w", TraceId = "t", RequestId = "r" };
        var results = new List<NodeResult>();
        await foreach (var r in node.StreamAsync(context, default)) results.Add(r);
        Assert.Equal(ErrorCode.ValidationFailed, Assert.Single(results).Error!.Code);
    }
}
