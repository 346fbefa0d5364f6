using Portway.Pipelines.NodeDirectory;

namespace Portway.Pipelines.Tests.NodeDirectory;

public sealed class NodeDirectoryServiceTests : IDisposable
{
    private readonly DirectoryFixture _fixture = new();

    private NodeDirectoryService Directory => _fixture.Directory;

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Register_New_IsCreatedAndActive_CapabilitiesSortedAndDistinct()
    {
        var node = Directory.Register("n1", DirectoryFixture.Key, ["https://n1.example"], ["store", "relay", "store"]);

        Assert.True(node.Created);
        Assert.Equal("active", node.State);
        Assert.Equal(["relay", "store"], node.Capabilities);
        Assert.Equal(_fixture.Clock.GetUtcNow(), node.RegisteredAt);
    }

    [Fact]
    public void Register_AgainWithTheSameKey_ReplacesEndpointsAndCapabilities_KeepsRegisteredAt()
    {
        Directory.Register("n1", DirectoryFixture.Key, ["https://a.example"], ["relay"]);
        var first = Directory.Get("n1").RegisteredAt;
        _fixture.Clock.Advance(TimeSpan.FromMinutes(3));

        var again = Directory.Register("n1", DirectoryFixture.Key, ["https://b.example"], ["store"]);

        Assert.False(again.Created);
        Assert.Equal(first, again.RegisteredAt);
        Assert.Equal(["https://b.example"], Directory.Get("n1").Endpoints);
        Assert.Empty(Directory.Discover("relay", null, null, null).Nodes);
        Assert.Single(Directory.Discover("store", null, null, null).Nodes);
    }

    [Fact]
    public void Register_SameIdAnotherKey_IsConflict_AndKeepsTheFirst()
    {
        Directory.Register("n1", DirectoryFixture.Key, [], []);

        var ex = Assert.Throws<PortwayException>(() => Directory.Register("n1", "another-key", [], []));

        Assert.Equal(ErrorCode.Conflict, ex.Error.Code);
        Assert.Equal(DirectoryFixture.Key, Directory.Get("n1").PublicKey);
    }

    [Theory]
    [InlineData(null, "id is required")]
    [InlineData("", "id must be")]
    [InlineData("../x", "id must be")]
    [InlineData("-x", "id must be")]
    public void Register_BadId_IsValidationFailedNamingIt(string? id, string start)
    {
        var ex = Assert.Throws<PortwayException>(() => Directory.Register(id, DirectoryFixture.Key, [], []));

        Assert.Equal(ErrorCode.ValidationFailed, ex.Error.Code);
        Assert.StartsWith(start, ex.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Directory.Count);
    }

    [Fact]
    public void Register_BadFields_NameTheField()
    {
        Assert.StartsWith("public_key", Assert.Throws<PortwayException>(() => Directory.Register("n1", " ", [], [])).Error.Message, StringComparison.Ordinal);
        Assert.StartsWith("public_key", Assert.Throws<PortwayException>(() => Directory.Register("n1", "k\u0001", [], [])).Error.Message, StringComparison.Ordinal);
        Assert.StartsWith("endpoints[1]", Assert.Throws<PortwayException>(() => Directory.Register("n1", "k", ["https://a", "not a uri"], [])).Error.Message, StringComparison.Ordinal);
        Assert.StartsWith("capabilities[0]", Assert.Throws<PortwayException>(() => Directory.Register("n1", "k", [], ["a b"])).Error.Message, StringComparison.Ordinal);
        Assert.StartsWith("capabilities may", Assert.Throws<PortwayException>(() => Directory.Register("n1", "k", [], Enumerable.Range(0, 33).Select(i => "c" + i).ToArray())).Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Directory.Count);
    }

    [Fact]
    public void Discover_PagesWithTheCursor_InIdOrder_UntilNoNext()
    {
        foreach (var id in new[] { "n05", "n01", "n04", "n03", "n02" })
        {
            _fixture.Register(id, "relay");
        }

        var first = Directory.Discover(null, null, 2, null);
        var second = Directory.Discover(null, null, 2, first.Next);
        var third = Directory.Discover(null, null, 2, second.Next);

        Assert.Equal(["n01", "n02"], first.Nodes.Select(n => n.Id));
        Assert.Equal(["n03", "n04"], second.Nodes.Select(n => n.Id));
        Assert.Equal(["n05"], third.Nodes.Select(n => n.Id));
        Assert.Null(third.Next);
    }

    [Fact]
    public void Discover_ByCapabilityAndState()
    {
        _fixture.Register("a", "relay");
        _fixture.Register("b", "store");
        _fixture.Clock.Advance(Directory.Lifecycle.HeartbeatTimeout);
        _fixture.Register("c", "relay", "store");

        Assert.Equal(["a", "c"], Directory.Discover("relay", null, null, null).Nodes.Select(n => n.Id));
        Assert.Equal(["a"], Directory.Discover("relay", "pending", null, null).Nodes.Select(n => n.Id));
        Assert.Equal(["c"], Directory.Discover("store", "active", null, null).Nodes.Select(n => n.Id));
        Assert.Empty(Directory.Discover("nobody-has-this", null, null, null).Nodes);
    }

    [Fact]
    public void Discover_LastPageFull_HasNoNextWhenTheRestIsFilteredOut()
    {
        _fixture.Register("a", "relay");
        _fixture.Register("b", "relay");
        _fixture.Clock.Advance(Directory.Lifecycle.HeartbeatTimeout);
        _fixture.Register("c", "relay");
        Directory.Heartbeat("a");

        var page = Directory.Discover("relay", "active", 2, null);

        Assert.Equal(["a", "c"], page.Nodes.Select(n => n.Id));
        Assert.Null(page.Next);
    }

    [Theory]
    [InlineData(null, "coma", null, null, "state must be")]
    [InlineData(null, "dead", null, null, "state must be")]
    [InlineData(null, null, 0, null, "limit must be")]
    [InlineData(null, null, 1001, null, "limit must be")]
    [InlineData(null, null, null, "!!", "after must be")]
    [InlineData("a b", null, null, null, "capability must be")]
    public void Discover_BadArguments_AreValidationFailed(string? capability, string? state, int? limit, string? after, string start)
    {
        var ex = Assert.Throws<PortwayException>(() => Directory.Discover(capability, state, limit, after));

        Assert.Equal(ErrorCode.ValidationFailed, ex.Error.Code);
        Assert.StartsWith(start, ex.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deregister_RemovesFromEverything_AndTwiceIsNotFound()
    {
        _fixture.Register("n1", "relay");

        Directory.Deregister("n1");

        Assert.Equal(ErrorCode.NotFound, Assert.Throws<PortwayException>(() => Directory.Get("n1")).Error.Code);
        Assert.Empty(Directory.Discover("relay", null, null, null).Nodes);
        Assert.Equal(ErrorCode.NotFound, Assert.Throws<PortwayException>(() => Directory.Deregister("n1")).Error.Code);
    }

    [Fact]
    public void Register_AfterDeath_StartsAfreshWithAnyKey()
    {
        _fixture.Register("n1");
        _fixture.Clock.Advance(Directory.Lifecycle.StartOf(DirectoryNodeState.Dead));

        var again = Directory.Register("n1", "a-new-key", [], []);

        Assert.True(again.Created);
        Assert.Equal(_fixture.Clock.GetUtcNow(), again.RegisteredAt);
    }
}
