using Portway.Pipelines.NodeDirectory;

namespace Portway.Pipelines.Tests.NodeDirectory;

public sealed class NodeDirectoryServiceTests : IDisposable
{
    private readonly DirectoryFixture _fixture = new();

    private NodeDirectoryService Directory => _fixture.Directory;

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task Register_New_IsCreatedAndActive_CapabilitiesSortedAndDistinct()
    {
        var node = await Directory.RegisterAsync("n1", DirectoryFixture.Key, ["https://n1.example"], ["store", "relay", "store"]);

        Assert.True(node.Created);
        Assert.Equal("active", node.State);
        Assert.Equal(["relay", "store"], node.Capabilities);
        Assert.Equal(_fixture.Clock.GetUtcNow(), node.RegisteredAt);
    }

    [Fact]
    public async Task Register_AgainWithTheSameKey_ReplacesEndpointsAndCapabilities_KeepsRegisteredAt()
    {
        await Directory.RegisterAsync("n1", DirectoryFixture.Key, ["https://a.example"], ["relay"]);
        var first = (await Directory.GetAsync("n1")).RegisteredAt;
        _fixture.Clock.Advance(TimeSpan.FromMinutes(3));

        var again = await Directory.RegisterAsync("n1", DirectoryFixture.Key, ["https://b.example"], ["store"]);

        Assert.False(again.Created);
        Assert.Equal(first, again.RegisteredAt);
        Assert.Equal(["https://b.example"], (await Directory.GetAsync("n1")).Endpoints);
        Assert.Empty(Directory.Discover("relay", null, null, null).Nodes);
        Assert.Single(Directory.Discover("store", null, null, null).Nodes);
    }

    [Fact]
    public async Task Register_SameIdAnotherKey_IsConflict_AndKeepsTheFirst()
    {
        await Directory.RegisterAsync("n1", DirectoryFixture.Key, [], []);

        var ex = await Assert.ThrowsAsync<PortwayException>(async () => await (Directory.RegisterAsync("n1", DirectoryFixture.OtherKey, [], [])));

        Assert.Equal(ErrorCode.Conflict, ex.Error.Code);
        Assert.Equal(DirectoryFixture.Key, (await Directory.GetAsync("n1")).PublicKey);
    }

    [Theory]
    [InlineData(null, "id is required")]
    [InlineData("", "id must be")]
    [InlineData("../x", "id must be")]
    [InlineData("-x", "id must be")]
    public async Task Register_BadId_IsValidationFailedNamingIt(string? id, string start)
    {
        var ex = await Assert.ThrowsAsync<PortwayException>(async () => await (Directory.RegisterAsync(id, DirectoryFixture.Key, [], [])));

        Assert.Equal(ErrorCode.ValidationFailed, ex.Error.Code);
        Assert.StartsWith(start, ex.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Directory.Count);
    }

    [Fact]
    public async Task Register_BadFields_NameTheField()
    {
        Assert.StartsWith("public_key", (await Assert.ThrowsAsync<PortwayException>(async () => await (Directory.RegisterAsync("n1", " ", [], [])))).Error.Message, StringComparison.Ordinal);
        Assert.StartsWith("public_key", (await Assert.ThrowsAsync<PortwayException>(async () => await (Directory.RegisterAsync("n1", "k\u0001", [], [])))).Error.Message, StringComparison.Ordinal);
        Assert.StartsWith("endpoints[1]", (await Assert.ThrowsAsync<PortwayException>(async () => await (Directory.RegisterAsync("n1", DirectoryFixture.Key, ["https://a", "not a uri"], [])))).Error.Message, StringComparison.Ordinal);
        Assert.StartsWith("capabilities[0]", (await Assert.ThrowsAsync<PortwayException>(async () => await (Directory.RegisterAsync("n1", DirectoryFixture.Key, [], ["a b"])))).Error.Message, StringComparison.Ordinal);
        Assert.StartsWith("capabilities may", (await Assert.ThrowsAsync<PortwayException>(async () => await (Directory.RegisterAsync("n1", DirectoryFixture.Key, [], Enumerable.Range(0, 33).Select(i => "c" + i).ToArray())))).Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Directory.Count);
    }

    [Fact]
    public async Task Discover_PagesWithTheCursor_InIdOrder_UntilNoNext()
    {
        foreach (var id in new[] { "n05", "n01", "n04", "n03", "n02" })
        {
            await _fixture.RegisterAsync(id, "relay");
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
    public async Task Discover_ByCapabilityAndState()
    {
        await _fixture.RegisterAsync("a", "relay");
        await _fixture.RegisterAsync("b", "store");
        _fixture.Clock.Advance(Directory.Lifecycle.HeartbeatTimeout);
        await _fixture.RegisterAsync("c", "relay", "store");

        Assert.Equal(["a", "c"], Directory.Discover("relay", null, null, null).Nodes.Select(n => n.Id));
        Assert.Equal(["a"], Directory.Discover("relay", "pending", null, null).Nodes.Select(n => n.Id));
        Assert.Equal(["c"], Directory.Discover("store", "active", null, null).Nodes.Select(n => n.Id));
        Assert.Empty(Directory.Discover("nobody-has-this", null, null, null).Nodes);
    }

    [Fact]
    public async Task Discover_LastPageFull_HasNoNextWhenTheRestIsFilteredOut()
    {
        await _fixture.RegisterAsync("a", "relay");
        await _fixture.RegisterAsync("b", "relay");
        _fixture.Clock.Advance(Directory.Lifecycle.HeartbeatTimeout);
        await _fixture.RegisterAsync("c", "relay");
        await _fixture.HeartbeatAsync("a");

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
    public async Task Deregister_RemovesFromEverything_AndTwiceIsNotFound()
    {
        await _fixture.RegisterAsync("n1", "relay");

        await Directory.DeregisterAsync("n1");

        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<PortwayException>(async () => await (Directory.GetAsync("n1")))).Error.Code);
        Assert.Empty(Directory.Discover("relay", null, null, null).Nodes);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<PortwayException>(async () => await (Directory.DeregisterAsync("n1")))).Error.Code);
    }

    [Fact]
    public async Task Register_AfterDeath_StartsAfreshWithAnyKey()
    {
        await _fixture.RegisterAsync("n1");
        _fixture.Clock.Advance(Directory.Lifecycle.StartOf(DirectoryNodeState.Dead));

        var again = await Directory.RegisterAsync("n1", DirectoryFixture.OtherKey, [], []);

        Assert.True(again.Created);
        Assert.Equal(_fixture.Clock.GetUtcNow(), again.RegisteredAt);
    }
}
