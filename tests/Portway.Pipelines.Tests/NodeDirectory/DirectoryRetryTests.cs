using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portway.Pipelines.NodeDirectory;
using Portway.Testing;

namespace Portway.Pipelines.Tests.NodeDirectory;

/// <summary>
/// The retries at 48 h, 2 weeks and 2 months: the sweep contacts a silent node at its registered endpoints (a real
/// local peer, <see cref="FlakyServer"/>) once per retry, on a fake clock, just before, at and just after each boundary.
/// </summary>
public sealed class DirectoryRetryTests : IAsyncLifetime
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private FlakyServer _peer = null!;
    private NodeDirectoryService _directory = null!;

    public static TheoryData<int, string> RetryBoundaries() => new()
    {
        { (int)DirectoryNodeState.Retry48h, "pending" },
        { (int)DirectoryNodeState.Retry2w, "retry_48h" },
        { (int)DirectoryNodeState.Retry2m, "retry_2w" },
    };

    public async Task InitializeAsync()
    {
        _peer = await FlakyServer.StartAsync();
        _directory = new NodeDirectoryService(new MemoryDirectoryStore(), DirectoryKey.CreateEphemeral(), _clock)
        {
            Probe = new EndpointProbe(TimeSpan.FromSeconds(10), NullLogger.Instance),
        };
    }

    public async Task DisposeAsync()
    {
        _directory.Dispose();
        await _peer.DisposeAsync();
    }

    private TimeSpan StartOf(DirectoryNodeState state) => _directory.Lifecycle.StartOf(state);

    private async Task RegisterAsync(params string[] endpoints) => await _directory.RegisterAsync("n1", DirectoryFixture.Key, endpoints, []);

    /// <summary>Puts the node into <paramref name="state"/>'s retry already attempted (and failed), as earlier sweeps would have.</summary>
    private async Task FailEarlierRetriesAsync(DirectoryNodeState state)
    {
        for (var earlier = DirectoryNodeState.Retry48h; earlier < state; earlier++)
        {
            _clock.Advance(StartOf(earlier) - (_clock.GetUtcNow() - (await _directory.GetAsync("n1")).LastSeen));
            Assert.Equal(1, (await _directory.SweepAsync()).Retried);
        }
    }

    [Theory]
    [MemberData(nameof(RetryBoundaries))]
    public async Task Retry_JustBefore_NoContact_At_ContactsOnce_JustAfter_NotAgain_WhenThePeerFails(int boundary, string before)
    {
        var state = (DirectoryNodeState)boundary;
        _peer.Answer = _ => (503, "{}");
        await RegisterAsync(new Uri(_peer.BaseAddress, "/alive").ToString());
        await FailEarlierRetriesAsync(state);
        var hits = _peer.Hits;
        var registered = (await _directory.GetAsync("n1")).LastSeen;

        _clock.Advance(StartOf(state) - Tick - (_clock.GetUtcNow() - registered));
        var justBefore = await _directory.SweepAsync();
        var hitsBefore = _peer.Hits;
        _clock.Advance(Tick);
        var at = await _directory.SweepAsync();
        var hitsAt = _peer.Hits;
        _clock.Advance(Tick);
        var justAfter = await _directory.SweepAsync();

        Assert.Equal((0, 1, before), (justBefore.Retried, justBefore.States[before], before));
        Assert.Equal(hits, hitsBefore);
        Assert.Equal((1, 0), (at.Retried, at.Revived));
        Assert.Equal(hits + 1, hitsAt);
        Assert.Equal(("GET", "/alive"), (_peer.Requests.Last().Method, _peer.Requests.Last().Path));
        Assert.Equal(0, justAfter.Retried);
        Assert.Equal(hits + 1, _peer.Hits);
        Assert.Equal(DirectoryStates.Name(state), (await _directory.GetAsync("n1")).State);
    }

    [Theory]
    [MemberData(nameof(RetryBoundaries))]
    public async Task Retry_At_PeerAnswers_RevivesTheNode(int boundary, string before)
    {
        var state = (DirectoryNodeState)boundary;
        _peer.Answer = n => n <= (int)state - (int)DirectoryNodeState.Retry48h ? (503, "{}") : (200, "{}");
        await RegisterAsync(_peer.BaseAddress.ToString());
        await FailEarlierRetriesAsync(state);
        var registered = (await _directory.GetAsync("n1")).LastSeen;
        _clock.Advance(StartOf(state) - (_clock.GetUtcNow() - registered));

        var sweep = await _directory.SweepAsync();
        var node = await _directory.GetAsync("n1");

        Assert.NotEqual(before, node.State);
        Assert.Equal((1, 1), (sweep.Retried, sweep.Revived));
        Assert.Equal("active", node.State);
        Assert.Equal(_clock.GetUtcNow(), node.LastSeen);

        // Revived means the whole timeline starts again: the next miss is pending, not a retry.
        _clock.Advance(StartOf(DirectoryNodeState.Pending));
        Assert.Equal(0, (await _directory.SweepAsync()).Retried);
        Assert.Equal("pending", (await _directory.GetAsync("n1")).State);
    }

    [Fact]
    public async Task Retry_TriesEachEndpointInOrder_AWebSocketHandshakeCounts()
    {
        _peer.Answer = _ => (500, "{}");
        await RegisterAsync("tcp://10.0.0.1:9", new Uri(_peer.BaseAddress, "/down").ToString(), _peer.WebSocketUrl.ToString());
        _clock.Advance(StartOf(DirectoryNodeState.Retry48h));

        var sweep = await _directory.SweepAsync();

        Assert.Equal((1, 1), (sweep.Retried, sweep.Revived));
        Assert.Equal(1, _peer.Hits);
        Assert.Equal(1, _peer.WebSocketConnections);
        Assert.Equal("active", (await _directory.GetAsync("n1")).State);
    }

    [Fact]
    public async Task NoContact_WhilePending_OrInComa_OrWithoutAProbe()
    {
        await RegisterAsync(_peer.BaseAddress.ToString());
        _clock.Advance(StartOf(DirectoryNodeState.Retry48h) - Tick);
        var pending = await _directory.SweepAsync();
        _clock.Advance(StartOf(DirectoryNodeState.Coma) - StartOf(DirectoryNodeState.Retry48h) + Tick);
        var coma = await _directory.SweepAsync();
        using var withoutProbe = new NodeDirectoryService(new MemoryDirectoryStore(), DirectoryKey.CreateEphemeral(), _clock);
        await withoutProbe.RegisterAsync("n2", DirectoryFixture.Key, [_peer.BaseAddress.ToString()], []);
        _clock.Advance(StartOf(DirectoryNodeState.Retry48h));
        var none = await withoutProbe.SweepAsync();

        Assert.Equal((0, 1), (pending.Retried, pending.States["pending"]));
        Assert.Equal((0, 1), (coma.Retried, coma.States["coma"]));
        Assert.Equal((0, 1), (none.Retried, none.States["retry_48h"]));
        Assert.Equal(0, _peer.Hits);
    }

    [Fact]
    public async Task Retry_PeerThatNeverAnswers_FailsWithinTheTimeout_NodeStays()
    {
        using var directory = new NodeDirectoryService(new MemoryDirectoryStore(), DirectoryKey.CreateEphemeral(), _clock)
        {
            Probe = new EndpointProbe(TimeSpan.FromMilliseconds(300), NullLogger.Instance),
        };
        _peer.Answer = _ => null; // hangs
        await directory.RegisterAsync("n1", DirectoryFixture.Key, [_peer.BaseAddress.ToString()], []);
        _clock.Advance(StartOf(DirectoryNodeState.Retry48h));

        var sweep = await directory.SweepAsync();

        Assert.Equal((1, 0), (sweep.Retried, sweep.Revived));
        Assert.Equal("retry_48h", (await directory.GetAsync("n1")).State);
    }
}
