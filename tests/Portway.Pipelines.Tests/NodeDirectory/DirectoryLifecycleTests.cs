using Portway.Pipelines.NodeDirectory;

namespace Portway.Pipelines.Tests.NodeDirectory;

public sealed class DirectoryLifecycleTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    public static TheoryData<int, string, string> Boundaries() => new()
    {
        { (int)DirectoryNodeState.Pending, "active", "pending" },
        { (int)DirectoryNodeState.Retry48h, "pending", "retry_48h" },
        { (int)DirectoryNodeState.Retry2w, "retry_48h", "retry_2w" },
        { (int)DirectoryNodeState.Retry2m, "retry_2w", "retry_2m" },
        { (int)DirectoryNodeState.Coma, "retry_2m", "coma" },
    };

    [Fact]
    public void Default_StartsEachStateWhereTheTimelineSays()
    {
        var life = DirectoryLifecycle.Default;
        var missed = TimeSpan.FromMinutes(10);

        Assert.Equal(missed, life.StartOf(DirectoryNodeState.Pending));
        Assert.Equal(missed + TimeSpan.FromHours(48), life.StartOf(DirectoryNodeState.Retry48h));
        Assert.Equal(missed + TimeSpan.FromDays(14), life.StartOf(DirectoryNodeState.Retry2w));
        Assert.Equal(missed + TimeSpan.FromDays(60), life.StartOf(DirectoryNodeState.Retry2m));
        Assert.Equal(missed + TimeSpan.FromDays(62), life.StartOf(DirectoryNodeState.Coma));
        Assert.Equal(missed + TimeSpan.FromDays(62 + 730), life.StartOf(DirectoryNodeState.Dead));
    }

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void Get_JustBeforeAtAndJustAfterABoundary_AnswersTheStateOnEachSide(int boundary, string before, string after)
    {
        using var fixture = new DirectoryFixture();
        fixture.Register("n1");
        var start = fixture.Directory.Lifecycle.StartOf((DirectoryNodeState)boundary);

        fixture.Clock.Advance(start - Tick);
        var justBefore = fixture.Directory.Get("n1").State;
        fixture.Clock.Advance(Tick);
        var at = fixture.Directory.Get("n1").State;
        fixture.Clock.Advance(Tick);
        var justAfter = fixture.Directory.Get("n1").State;

        Assert.Equal(before, justBefore);
        Assert.Equal(after, at);
        Assert.Equal(after, justAfter);
    }

    [Fact]
    public void Dead_JustBeforeAtAndJustAfter_ComaThenGone()
    {
        using var fixture = new DirectoryFixture();
        fixture.Register("n1");
        var death = fixture.Directory.Lifecycle.StartOf(DirectoryNodeState.Dead);

        fixture.Clock.Advance(death - Tick);
        Assert.Equal("coma", fixture.Directory.Get("n1").State);
        fixture.Clock.Advance(Tick);
        var atDeath = Assert.Throws<PortwayException>(() => fixture.Directory.Get("n1"));
        fixture.Clock.Advance(Tick);
        var afterDeath = Assert.Throws<PortwayException>(() => fixture.Directory.Heartbeat("n1"));

        Assert.Equal(ErrorCode.NotFound, atDeath.Error.Code);
        Assert.Equal(ErrorCode.NotFound, afterDeath.Error.Code);
    }

    [Theory]
    [InlineData((int)DirectoryNodeState.Pending)]
    [InlineData((int)DirectoryNodeState.Retry48h)]
    [InlineData((int)DirectoryNodeState.Retry2w)]
    [InlineData((int)DirectoryNodeState.Retry2m)]
    [InlineData((int)DirectoryNodeState.Coma)]
    public void Heartbeat_InAnyStateBeforeDead_RevivesWithIdentityAndDataIntact(int stateNumber)
    {
        var state = (DirectoryNodeState)stateNumber;
        using var fixture = new DirectoryFixture();
        var registered = fixture.Directory.Register("n1", DirectoryFixture.Key, ["wss://n1.example/ws", "https://n1.example"], ["relay", "store"]);
        var lastMoment = fixture.Directory.Lifecycle.StartOf(state + 1) - Tick;
        fixture.Clock.Advance(lastMoment);
        Assert.Equal(DirectoryStates.Name(state), fixture.Directory.Get("n1").State);

        var revived = fixture.Directory.Heartbeat("n1");
        var got = fixture.Directory.Get("n1");

        Assert.Equal("active", revived.State);
        Assert.Equal("active", got.State);
        Assert.Equal(registered.PublicKey, got.PublicKey);
        Assert.Equal(registered.Endpoints, got.Endpoints);
        Assert.Equal(registered.Capabilities, got.Capabilities);
        Assert.Equal(registered.RegisteredAt, got.RegisteredAt);
        Assert.Equal(fixture.Clock.GetUtcNow(), got.LastSeen);
    }

    [Fact]
    public void Heartbeat_RestartsTheTimelineFromItsOwnTime()
    {
        using var fixture = new DirectoryFixture();
        fixture.Register("n1");
        var timeout = fixture.Directory.Lifecycle.HeartbeatTimeout;

        fixture.Clock.Advance(timeout - Tick);
        fixture.Directory.Heartbeat("n1");
        fixture.Clock.Advance(timeout - Tick);
        var stillActive = fixture.Directory.Get("n1").State;
        fixture.Clock.Advance(Tick);

        Assert.Equal("active", stillActive);
        Assert.Equal("pending", fixture.Directory.Get("n1").State);
    }

    [Fact]
    public void Discover_HidesComaButShowsEveryRetryState()
    {
        using var fixture = new DirectoryFixture();
        var life = fixture.Directory.Lifecycle;
        fixture.Register("coma");
        fixture.Clock.Advance(life.StartOf(DirectoryNodeState.Coma) - life.StartOf(DirectoryNodeState.Retry2m));
        fixture.Register("retry2m");
        fixture.Clock.Advance(life.StartOf(DirectoryNodeState.Retry2m));
        fixture.Register("active");

        var page = fixture.Directory.Discover(null, null, null, null);

        Assert.Equal("coma", fixture.Directory.Get("coma").State);
        Assert.Equal(["active", "retry2m"], page.Nodes.Select(n => n.Id));
        Assert.Equal(["active", "retry_2m"], page.Nodes.Select(n => n.State));
    }

    [Fact]
    public void Sweep_RemovesOnlyTheDeadAndCountsTheRest()
    {
        using var fixture = new DirectoryFixture();
        var life = fixture.Directory.Lifecycle;
        fixture.Register("old");
        fixture.Clock.Advance(life.StartOf(DirectoryNodeState.Dead) - life.StartOf(DirectoryNodeState.Coma));
        fixture.Register("sleeper");
        fixture.Clock.Advance(life.StartOf(DirectoryNodeState.Coma));
        fixture.Register("fresh");

        var sweep = fixture.Directory.Sweep();

        Assert.Equal(1, sweep.Removed);
        Assert.Equal(2, fixture.Store.Count);
        Assert.Null(fixture.Store.Get("old"));
        Assert.Equal(1, sweep.States["coma"]);
        Assert.Equal(1, sweep.States["active"]);
        Assert.Equal(0, sweep.States["pending"]);
        Assert.False(sweep.States.ContainsKey("dead"));
    }
}
