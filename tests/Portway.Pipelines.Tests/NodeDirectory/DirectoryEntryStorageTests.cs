using System.Security.Cryptography;
using System.Text.Json;
using Portway.Nodes;
using Portway.Pipelines.NodeDirectory;

namespace Portway.Pipelines.Tests.NodeDirectory;

/// <summary>
/// The compact in-memory form of the directory: an entry's id, key and endpoints packed in one array (read back as
/// given, JSON unchanged), and the store's index (a set by id, chunked sorted lists) paging in order across chunks
/// while entries are added, replaced, moved between capabilities and removed.
/// </summary>
public sealed class DirectoryEntryStorageTests
{
    private static readonly string[] Relay = ["relay"];
    private static readonly string[] Store = ["store"];

    private static DirectoryEntry Entry(string id, string[] capabilities, long lastSeen = 1) =>
        new(id, Convert.FromBase64String(DirectoryFixture.Key), ["https://" + id + ".example:443"], capabilities, 1, lastSeen);

    [Fact]
    public void Packed_IdKeyAndEndpoints_ReadBackAsGiven_P256AndRsa_AndTheJsonIsUnchanged()
    {
        var p256 = Convert.FromBase64String(DirectoryFixture.Key);
        using var rsa = RSA.Create(2048);
        var rsaKey = rsa.ExportSubjectPublicKeyInfo();
        string[] endpoints = ["https://a.example:7000", "wss://b.example/ws?x=ü", ""];

        var ec = new DirectoryEntry("node-ä.1", p256, endpoints, Relay, 10, 20) { Retried = 3 };
        var other = new DirectoryEntry("r", rsaKey, [], Store, 10, 20);

        Assert.Equal(91, p256.Length);
        Assert.Equal("node-ä.1", ec.Id);
        Assert.Equal(p256, ec.PublicKey);
        Assert.Equal(endpoints, ec.Endpoints);
        Assert.Equal("r", other.Id);
        Assert.Equal(rsaKey, other.PublicKey);
        Assert.Empty(other.Endpoints);
        Assert.True(ec.HasKey(p256) && !ec.HasKey(rsaKey) && other.HasKey(rsaKey) && !other.HasKey(p256));
        Assert.True(ec.HasId("node-ä.1") && !ec.HasId("node-ä.2") && !ec.HasId(""));

        var json = JsonSerializer.Serialize(ec, NodeJson.Options);
        using var document = JsonDocument.Parse(json);
        Assert.Equal(Convert.ToBase64String(p256), document.RootElement.GetProperty("public_key").GetString());
        Assert.Equal("node-ä.1", document.RootElement.GetProperty("id").GetString());
        var back = JsonSerializer.Deserialize<DirectoryEntry>(json, NodeJson.Options)!;
        Assert.Equal((ec.Id, ec.Retried, ec.LastSeenTicks), (back.Id, back.Retried, back.LastSeenTicks));
        Assert.Equal(ec.PublicKey, back.PublicKey);
        Assert.Equal(ec.Endpoints, back.Endpoints);
        Assert.DoesNotContain("id_utf8", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Store_PagesInIdOrderAcrossChunks_WhileEntriesAreAddedReplacedMovedAndRemoved()
    {
        var store = new MemoryDirectoryStore();
        var ids = Enumerable.Range(0, 3 * SortedEntryList.ChunkSize * 2 + 17).Select(i => $"n{i:D5}").ToArray();
        foreach (var id in ids.OrderBy(id => HashCode.Combine(id, 7)))
        {
            store.Put(Entry(id, int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture) % 3 == 0 ? Store : Relay));
        }

        Assert.Equal(ids, All(store, null));
        Assert.Equal(ids.Where((_, i) => i % 3 == 0), All(store, "store"));

        // Replaced (a heartbeat; n00900 also moves from store to relay): the lists serve the new entry; n00003 moves too; removed.
        var beat = Entry("n00900", Relay, lastSeen: 99);
        store.Put(beat);
        store.Put(Entry("n00003", Relay));
        foreach (var id in ids.Where((_, i) => i % 7 == 0))
        {
            Assert.True(store.Remove(id));
        }

        Assert.False(store.Remove("n00000"));
        Assert.False(store.Remove("nope"));
        var left = ids.Where((_, i) => i % 7 != 0).ToArray();
        Assert.Equal(left, All(store, null));
        Assert.Equal(left.Where(id => int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture) % 3 == 0 && id is not ("n00003" or "n00900")), All(store, "store"));
        Assert.Equal(left.Where(id => int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture) % 3 != 0 || id is "n00003" or "n00900"), All(store, "relay"));
        Assert.Same(beat, store.Get("n00900"));
        Assert.Same(beat, store.Page("relay", "n00899", _ => true, 1, out _).Single());
        Assert.Equal(left.Length, store.Count);

        // A cursor that is not an id of the store starts after where it would be (n01001 was removed: 1001 = 7 x 143).
        Assert.Equal("n01002", store.Page(null, "n01000x", _ => true, 1, out var more).Single().Id);
        Assert.True(more);
        Assert.Empty(store.Page(null, "z", _ => true, 10, out more));
        Assert.False(more);
    }

    /// <summary>Every id, read page by page (50 each) with the cursor.</summary>
    private static List<string> All(MemoryDirectoryStore store, string? capability)
    {
        var ids = new List<string>();
        string? after = null;
        while (true)
        {
            var page = store.Page(capability, after, _ => true, 50, out var more);
            ids.AddRange(page.Select(e => e.Id));
            if (!more)
            {
                return ids;
            }

            after = page[^1].Id;
        }
    }
}
