using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portway.Configuration;
using Portway.Kv;
using Portway.Nodes;
using Portway.Pipelines.NodeDirectory;
using Portway.Testing;

namespace Portway.Pipelines.Tests.NodeDirectory;

/// <summary>The directory's entries on the kv port (the runtime's own memory backend) and its snapshot: what a restart keeps.</summary>
public sealed class DirectoryPersistenceTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "portway-dir-persist-" + Guid.NewGuid().ToString("N"));
    private readonly List<ServiceProvider> _providers = [];
    private readonly DirectoryKey _key = DirectoryKey.CreateEphemeral();

    private string SnapshotPath => Path.Combine(_folder, DirectoryPersistence.SnapshotFileName);

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        _key.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>A fresh memory kv, as a restarted host has.</summary>
    private IKvStore NewKv()
    {
        var services = new ServiceCollection().AddSingleton<TimeProvider>(_clock);
        services.AddPortway(new PortwayConfig());
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<IKvStore>();
    }

    private async Task<(NodeDirectoryService Directory, DirectoryPersistence Persistence)> OpenAsync(IKvStore kv, string? snapshot, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        var index = new MemoryDirectoryStore();
        var persistence = new DirectoryPersistence(kv, index, snapshot, _clock, Interval, logger ?? NullLogger.Instance);
        await persistence.LoadAsync(CancellationToken.None);
        return (new NodeDirectoryService(new PersistentDirectoryStore(index, persistence), _key, _clock) { Persistence = persistence }, persistence);
    }

    private static string Json(DirectoryNodeView node) => JsonSerializer.Serialize(node, NodeJson.Options);

    [Fact]
    public async Task Changes_AreWrittenToTheKv_OneKeyPerNode()
    {
        var kv = NewKv();
        var (directory, persistence) = await OpenAsync(kv, snapshot: null);

        await directory.RegisterAsync("a", DirectoryFixture.Key, ["https://a.example"], ["relay"]);
        await directory.RegisterAsync("b", DirectoryFixture.OtherKey, [], []);
        await directory.HeartbeatAsync("a", DirectoryFixture.Proof(_clock, "heartbeat", "a"));
        await directory.DeregisterAsync("b");
        await persistence.FlushAsync();

        Assert.Equal([DirectoryPersistence.KeyPrefix + "a"], await kv.ListKeysAsync(DirectoryPersistence.KeyPrefix));
        var stored = JsonSerializer.Deserialize<DirectoryEntry>((await kv.GetAsync(DirectoryPersistence.KeyPrefix + "a"))!.Value.Span, NodeJson.Options)!;
        Assert.Equal(("a", DirectoryFixture.Key, "relay"), (stored.Id, Convert.ToBase64String(stored.PublicKey), stored.Capabilities[0]));
        Assert.False(File.Exists(SnapshotPath));
    }

    [Fact]
    public async Task Restart_OnTheMemoryBackend_KeepsEveryNodeAndItsStateFromTheSnapshot()
    {
        var (before, persistence) = await OpenAsync(NewKv(), SnapshotPath);
        for (var i = 0; i < 50; i++)
        {
            await before.RegisterAsync($"n{i:D2}", DirectoryFixture.Key, [$"https://n{i}.example"], i % 2 == 0 ? ["even"] : ["odd"]);
        }

        _clock.Advance(before.Lifecycle.StartOf(DirectoryNodeState.Retry48h));
        await before.HeartbeatAsync("n07", DirectoryFixture.Proof(_clock, "heartbeat", "n07"));
        var expected = new DirectoryNodeView[50];
        for (var i = 0; i < expected.Length; i++)
        {
            expected[i] = await before.GetAsync($"n{i:D2}");
        }

        await persistence.FlushAsync();

        var freshKv = NewKv();
        var (after, _) = await OpenAsync(freshKv, SnapshotPath);

        Assert.Equal(50, after.Count);
        foreach (var node in expected)
        {
            Assert.Equal(Json(node), Json(await after.GetAsync(node.Id)));
        }

        Assert.Equal("active", (await after.GetAsync("n07")).State);
        Assert.Equal("retry_48h", (await after.GetAsync("n08")).State);
        Assert.Equal(25, after.Discover("even", null, 100, null).Nodes.Count);
        Assert.Equal(50, (await freshKv.ListKeysAsync(DirectoryPersistence.KeyPrefix)).Count);
    }

    [Fact]
    public async Task Restart_OnAPersistentKv_LoadsFromTheKv()
    {
        var kv = NewKv();
        var (before, persistence) = await OpenAsync(kv, snapshot: null);
        await before.RegisterAsync("a", DirectoryFixture.Key, [], ["relay"]);
        await persistence.FlushAsync();

        var (after, _) = await OpenAsync(kv, snapshot: null);

        Assert.Equal(Json((await before.GetAsync("a"))), Json((await after.GetAsync("a"))));
    }

    [Fact]
    public async Task Snapshot_IsWrittenEveryIntervalWhenSomethingChanged()
    {
        var (directory, persistence) = await OpenAsync(NewKv(), SnapshotPath);
        _clock.Advance(Interval);
        Assert.False(File.Exists(SnapshotPath));

        await directory.RegisterAsync("a", DirectoryFixture.Key, [], []);
        _clock.Advance(Interval);

        await Eventually.TrueAsync(() => File.Exists(SnapshotPath), TimeSpan.FromSeconds(30), "the snapshot is written");
        await persistence.DisposeAsync();
        var saved = JsonSerializer.Deserialize<DirectoryEntry[]>(await File.ReadAllBytesAsync(SnapshotPath), NodeJson.Options)!;
        Assert.Equal("a", Assert.Single(saved).Id);
    }

    [Fact]
    public async Task Snapshot_ThatFails_IsLogged_AndWrittenAtTheNextTick()
    {
        var snapshot = await BlockedSnapshot.CreateAsync(_folder, DirectoryPersistence.SnapshotFileName);
        var logger = new RecordingLogger();
        var (directory, persistence) = await OpenAsync(NewKv(), snapshot.Path, logger);
        await directory.RegisterAsync("a", DirectoryFixture.Key, [], []);

        var failed = $"node directory: snapshot to {snapshot.Path} failed";
        await snapshot.FailThenWriteAsync(_clock, Interval, logger, failed);
        await persistence.DisposeAsync();

        Assert.Equal("a", Assert.Single(JsonSerializer.Deserialize<DirectoryEntry[]>(await File.ReadAllBytesAsync(snapshot.Path), NodeJson.Options)!).Id);
        Assert.Single(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message == failed);
    }

    [Fact]
    public async Task Restart_FromASnapshotWithUnreadableEntries_SkipsThemWithTheReasonLogged_AndLoadsTheOthers()
    {
        var (before, persistence) = await OpenAsync(NewKv(), SnapshotPath);
        await before.RegisterAsync("good", DirectoryFixture.Key, ["https://good.example"], ["relay"]);
        var expected = Json(await before.GetAsync("good"));
        await persistence.FlushAsync();

        // An entry of an older format with its key as PEM text (not the base64 DER bytes read now), one without its
        // key, and one that is not an object; then the good one.
        var entries = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllBytesAsync(SnapshotPath))!.AsArray();
        var pem = entries[0]!.DeepClone();
        pem["id"] = "old-pem";
        pem["public_key"] = "-----BEGIN PUBLIC KEY-----\n" + DirectoryFixture.Key + "\n-----END PUBLIC KEY-----";
        var keyless = entries[0]!.DeepClone();
        keyless["id"] = "keyless";
        keyless.AsObject().Remove("public_key");
        entries.Insert(0, pem);
        entries.Insert(1, keyless);
        entries.Insert(2, 42);
        await File.WriteAllTextAsync(SnapshotPath, entries.ToJsonString());

        var logger = new RecordingLogger();
        var freshKv = NewKv();
        var (after, _) = await OpenAsync(freshKv, SnapshotPath, logger);

        Assert.Equal(1, after.Count);
        Assert.Equal(expected, Json(await after.GetAsync("good")));
        Assert.Equal([DirectoryPersistence.KeyPrefix + "good"], await freshKv.ListKeysAsync(DirectoryPersistence.KeyPrefix));
        var skipped = logger.Entries.Where(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning).Select(e => e.Message).ToArray();
        Assert.Equal(3, skipped.Length);
        Assert.StartsWith($"node directory: stored node at {SnapshotPath} [0] (id old-pem) skipped (not loaded): ", skipped[0], StringComparison.Ordinal);
        Assert.Contains("public_key", skipped[0], StringComparison.Ordinal);
        Assert.Equal($"node directory: stored node at {SnapshotPath} [1] (id keyless) skipped (not loaded): it lacks id, public_key, endpoints or capabilities", skipped[1]);
        Assert.StartsWith($"node directory: stored node at {SnapshotPath} [2] skipped (not loaded): ", skipped[2], StringComparison.Ordinal);
        Assert.Contains(logger.Entries, e => e.Message == "node directory: 1 nodes loaded from the snapshot");
    }

    [Fact]
    public async Task Restart_FromTheKv_SkipsAnUnreadableEntryWithTheReasonLogged()
    {
        var kv = NewKv();
        var (before, persistence) = await OpenAsync(kv, snapshot: null);
        await before.RegisterAsync("good", DirectoryFixture.Key, [], ["relay"]);
        await persistence.FlushAsync();
        await kv.SetAsync(DirectoryPersistence.KeyPrefix + "old", System.Text.Encoding.UTF8.GetBytes("{\"id\":\"old\",\"public_key\":\"-----BEGIN PUBLIC KEY-----\"}"));
        await kv.SetAsync(DirectoryPersistence.KeyPrefix + "junk", "not json"u8.ToArray());

        var logger = new RecordingLogger();
        var (after, _) = await OpenAsync(kv, snapshot: null, logger);

        Assert.Equal(1, after.Count);
        Assert.Equal("good", (await after.GetAsync("good")).Id);
        var skipped = logger.Entries.Where(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning).Select(e => e.Message).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(2, skipped.Length);
        Assert.StartsWith($"node directory: stored node at kv key {DirectoryPersistence.KeyPrefix}junk skipped (not loaded): not JSON: ", skipped[0], StringComparison.Ordinal);
        Assert.StartsWith($"node directory: stored node at kv key {DirectoryPersistence.KeyPrefix}old skipped (not loaded): ", skipped[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_FromASnapshotThatIsNotAnArray_StopsNamingTheFile()
    {
        Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(SnapshotPath, "{\"not\":\"an array\"}");

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => OpenAsync(NewKv(), SnapshotPath));

        Assert.Equal($"snapshot {SnapshotPath} is not a JSON array of records; move it away to start without it", ex.Message);
    }
}
