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
    public async Task Get_JustBeforeAtAndJustAfterABoundary_AnswersTheStateOnEachSide(int boundary, string before, string after)
    {
        using var fixture = new DirectoryFixture();
        await fixture.RegisterAsync("n1");
        var start = fixture.Directory.Lifecycle.StartOf((DirectoryNodeState)boundary);

        fixture.Clock.Advance(start - Tick);
        var justBefore = (await fixture.Directory.GetAsync("n1")).State;
        fixture.Clock.Advance(Tick);
        var at = (await fixture.Directory.GetAsync("n1")).State;
        fixture.Clock.Advance(Tick);
        var justAfter = (await fixture.Directory.GetAsync("n1")).State;

        Assert.Equal(before, justBefore);
        Assert.Equal(after, at);
        Assert.Equal(after, justAfter);
    }

    [Fact]
    public async Task Dead_JustBeforeAtAndJustAfter_ComaThenGone()
    {
        using var fixture = new DirectoryFixture();
        await fixture.RegisterAsync("n1");
        var death = fixture.Directory.Lifecycle.StartOf(DirectoryNodeState.Dead);

        fixture.Clock.Advance(death - Tick);
        Assert.Equal("coma", (await fixture.Directory.GetAsync("n1")).State);
        fixture.Clock.Advance(Tick);
        var atDeath = await Assert.ThrowsAsync<PortwayException>(async () => await (fixture.Directory.GetAsync("n1")));
        fixture.Clock.Advance(Tick);
        var afterDeath = await Assert.ThrowsAsync<PortwayException>(async () => await (fixture.HeartbeatAsync("n1")));

        Assert.Equal(ErrorCode.NotFound, atDeath.Error.Code);
        Assert.Equal(ErrorCode.NotFound, afterDeath.Error.Code);
    }

    [Theory]
    [InlineData((int)DirectoryNodeState.Pending)]
    [InlineData((int)DirectoryNodeState.Retry48h)]
    [InlineData((int)DirectoryNodeState.Retry2w)]
    [InlineData((int)DirectoryNodeState.Retry2m)]
    [InlineData((int)DirectoryNodeState.Coma)]
    public async Task Heartbeat_InAnyStateBeforeDead_RevivesWithIdentityAndDataIntact(int stateNumber)
    {
        var state = (DirectoryNodeState)stateNumber;
        using var fixture = new DirectoryFixture();
        var registered = await fixture.Directory.RegisterAsync("n1", DirectoryFixture.Key, ["wss://n1.example/ws", "https://n1.example"], ["relay", "store"]);
        var lastMoment = fixture.Directory.Lifecycle.StartOf(state + 1) - Tick;
        fixture.Clock.Advance(lastMoment);
        Assert.Equal(DirectoryStates.Name(state), (await fixture.Directory.GetAsync("n1")).State);

        var revived = await fixture.HeartbeatAsync("n1");
        var got = await fixture.Directory.GetAsync("n1");

        Assert.Equal("active", revived.State);
        Assert.Equal("active", got.State);
        Assert.Equal(registered.PublicKey, got.PublicKey);
        Assert.Equal(registered.Endpoints, got.Endpoints);
        Assert.Equal(registered.Capabilities, got.Capabilities);
        Assert.Equal(registered.RegisteredAt, got.RegisteredAt);
        Assert.Equal(fixture.Clock.GetUtcNow(), got.LastSeen);
    }

    [Fact]
    public async Task Heartbeat_RestartsTheTimelineFromItsOwnTime()
    {
        using var fixture = new DirectoryFixture();
        await fixture.RegisterAsync("n1");
        var timeout = fixture.Directory.Lifecycle.HeartbeatTimeout;

        fixture.Clock.Advance(timeout - Tick);
        await fixture.HeartbeatAsync("n1");
        fixture.Clock.Advance(timeout - Tick);
        var stillActive = (await fixture.Directory.GetAsync("n1")).State;
        fixture.Clock.Advance(Tick);

        Assert.Equal("active", stillActive);
        Assert.Equal("pending", (await fixture.Directory.GetAsync("n1")).State);
    }

    [Fact]
    public async Task Discover_HidesComaButShowsEveryRetryState()
    {
        using var fixture = new DirectoryFixture();
        var life = fixture.Directory.Lifecycle;
        await fixture.RegisterAsync("coma");
        fixture.Clock.Advance(life.StartOf(DirectoryNodeState.Coma) - life.StartOf(DirectoryNodeState.Retry2m));
        await fixture.RegisterAsync("retry2m");
        fixture.Clock.Advance(life.StartOf(DirectoryNodeState.Retry2m));
        await fixture.RegisterAsync("active");

        var page = fixture.Directory.Discover(null, null, null, null);

        Assert.Equal("coma", (await fixture.Directory.GetAsync("coma")).State);
        Assert.Equal(["active", "retry2m"], page.Nodes.Select(n => n.Id));
        Assert.Equal(["active", "retry_2m"], page.Nodes.Select(n => n.State));
    }

    [Fact]
    public async Task Sweep_RemovesOnlyTheDeadAndCountsTheRest()
    {
        using var fixture = new DirectoryFixture();
        var life = fixture.Directory.Lifecycle;
        await fixture.RegisterAsync("old");
        fixture.Clock.Advance(life.StartOf(DirectoryNodeState.Dead) - life.StartOf(DirectoryNodeState.Coma));
        await fixture.RegisterAsync("sleeper");
        fixture.Clock.Advance(life.StartOf(DirectoryNodeState.Coma));
        await fixture.RegisterAsync("fresh");

        var sweep = await fixture.Directory.SweepAsync();

        Assert.Equal(1, sweep.Removed);
        Assert.Equal(2, fixture.Store.Count);
        Assert.Null(fixture.Store.Get("old"));
        Assert.Equal(1, sweep.States["coma"]);
        Assert.Equal(1, sweep.States["active"]);
        Assert.Equal(0, sweep.States["pending"]);
        Assert.False(sweep.States.ContainsKey("dead"));
    }
}
