using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Portway.Configuration;
using Portway.Transport;
using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal;

/// <summary>
/// The host's side of the redis transport, one per process: the hops in flight (by hop id), the reading of this
/// instance's own reply stream (a blocking <c>XREAD</c> on a dedicated connection) that completes each exactly once —
/// a second answer to the same hop finds nothing pending and is dropped — and the watch on each group's live workers
/// (their announcements expire), so a hop to a group with none answers <c>unavailable</c> at once, and hops in flight
/// to a group whose last worker vanished are failed instead of waiting for their deadline — once no worker has come
/// back for <see cref="OrphanGrace"/> (a worker restarted or replaced in that time claims them and answers).
/// </summary>
internal sealed partial class RedisReplyHub : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan Block = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>How long hops in flight to a group whose last worker left wait for one to come back before they fail.</summary>
    internal static readonly TimeSpan OrphanGrace = TimeSpan.FromSeconds(1);
    private const int ReplyStreamTtlMs = 60_000;

    private readonly RedisConnection _connection;
    private readonly RedisConfig _redis;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Pending> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, GroupState> _groups = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();
    private Task? _started;
    private Task? _loops;
    private long _duplicates;
    private int _disposed;

    public RedisReplyHub(RedisConnection connection, PortwayConfig config, EnvelopeWire wire, TimeProvider time, ILogger<RedisReplyHub> logger)
    {
        _connection = connection;
        Wire = wire;
        _redis = config.Runtime.Platform.Redis;
        _time = time;
        _logger = logger;
    }

    /// <summary>This instance's name in <c>reply_to</c> (set by the first transport made).</summary>
    public string Instance { get; private set; } = "";

    public string ReplyStream => RedisStreamNames.Replies(_connection.KeyPrefix, Instance);

    /// <summary>Hops waiting for their answer now.</summary>
    public int InFlight => _inFlight.Count;

    /// <summary>Hops to <paramref name="group"/> waiting for their answer now (counted on demand: for <c>/stats</c>, not a hot path).</summary>
    public int InFlightTo(string group) => _inFlight.Values.Count(p => p.Group == group);

    /// <summary>Answers that arrived for a hop already answered (or given up): dropped.</summary>
    public long DuplicateAnswers => Interlocked.Read(ref _duplicates);

    /// <summary>Starts the reply reader and the worker watch for <paramref name="instance"/> (once) and watches <paramref name="group"/>.</summary>
    public Task EnsureStarted(string instance, string group)
    {
        _groups.TryAdd(group, new GroupState());
        lock (_gate)
        {
            if (_started is null)
            {
                Instance = instance;
                _started = StartAsync();
            }

            return _started;
        }
    }

    /// <summary>Whether <paramref name="group"/> has a live worker, as last seen (at most a quarter second old).</summary>
    public bool IsLive(string group) => _groups.TryGetValue(group, out var state) && state.Live;

    /// <summary>The ids of <paramref name="group"/>'s live workers on any machine, as last seen (empty when it is not watched).</summary>
    public IReadOnlyList<string> LiveWorkers(string group) => _groups.TryGetValue(group, out var state) ? state.LiveIds : [];

    public Pending Register(string hopId, string group)
    {
        var pending = new Pending(group);
        _inFlight[hopId] = pending;
        return pending;
    }

    public void Forget(string hopId) => _inFlight.TryRemove(hopId, out _);

    /// <summary>Answers the hop <paramref name="hopId"/> with <paramref name="error"/> (its send failed), if it still waits.</summary>
    public void Fail(string hopId, PortwayError error)
    {
        if (_inFlight.TryRemove(hopId, out var pending))
        {
            pending.CompleteLater(new Envelope { Kind = EnvelopeKind.Error, Payload = error.ToPayload() });
        }
    }

    private async Task StartAsync()
    {
        try
        {
            await EnsureReplyStreamAsync().ConfigureAwait(false);
            await WatchGroupsAsync().ConfigureAwait(false);
        }
        catch (RedisException ex)
        {
            RedisLog.TransportError(_logger, "starting the reply stream", ex.Message);
        }

        _loops = Task.WhenAll(
            Task.Run(ReadRepliesAsync, CancellationToken.None),
            Task.Run(WatchLoopAsync, CancellationToken.None));
    }

    /// <summary>Creates this instance's reply stream (workers add to it only if it exists) and keeps it from expiring.</summary>
    private async Task EnsureReplyStreamAsync()
    {
        var db = await _connection.DatabaseAsync(_stopping.Token).ConfigureAwait(false);
        var extended = await db.KeyExpireAsync(ReplyStream, TimeSpan.FromMilliseconds(ReplyStreamTtlMs)).ConfigureAwait(false);
        if (!extended)
        {
            await db.ExecuteAsync("XADD", (RedisKey)ReplyStream, "MAXLEN", "~", _redis.StreamMaxLength, "*", RedisStreamNames.EnvelopeField, RedisValue.EmptyString).ConfigureAwait(false);
            await db.KeyExpireAsync(ReplyStream, TimeSpan.FromMilliseconds(ReplyStreamTtlMs)).ConfigureAwait(false);
        }
    }

    private async Task WatchLoopAsync()
    {
        using var timer = new PeriodicTimer(WatchInterval, _time);
        var beat = 0;
        var wasDown = false;
        while (await Tick(timer).ConfigureAwait(false))
        {
            try
            {
                if (!_connection.IsConnected)
                {
                    FailGroupsWithoutRedis();
                    wasDown = true;
                    continue;
                }

                // Every 2 s, and at once when Redis is back (a restarted Redis lost the stream and workers add only to an existing one).
                if (++beat % 8 == 0 || wasDown) await EnsureReplyStreamAsync().ConfigureAwait(false);
                wasDown = false;
                await WatchGroupsAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
                RedisLog.TransportError(_logger, "watching workers", ex.Message);
            }
        }
    }

    private async ValueTask<bool> Tick(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task WatchGroupsAsync()
    {
        var db = await _connection.DatabaseAsync(_stopping.Token).ConfigureAwait(false);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (group, state) in _groups)
        {
            var live = await db.SortedSetRangeByScoreAsync(RedisStreamNames.Workers(_connection.KeyPrefix, group), now, double.PositiveInfinity).ConfigureAwait(false);
            var wasLive = state.Live;
            state.LiveIds = [.. live.Select(static id => id.ToString())];
            if (state.Live)
            {
                state.LeftAt = null;
            }
            else if (wasLive)
            {
                state.LeftAt = now;
            }
            else if (state.LeftAt is { } left && now - left >= (long)OrphanGrace.TotalMilliseconds)
            {
                // Failed once: no hop is sent to a group without a live worker, so none can be in flight after this.
                state.LeftAt = null;
                FailGroup(group, $"no live worker for process group '{group}' (the last one stopped announcing itself and none came back within {OrphanGrace.TotalSeconds:0.#} s)");
            }
        }
    }

    /// <summary>Redis is unreachable: no group has a live worker for new hops; those in flight wait for their reply or deadline.</summary>
    private void FailGroupsWithoutRedis()
    {
        foreach (var state in _groups.Values)
        {
            state.LiveIds = [];
            state.LeftAt = null;
        }
    }

    /// <summary>Answers every hop in flight to <paramref name="group"/> with <c>unavailable</c>.</summary>
    private void FailGroup(string group, string why)
    {
        foreach (var (hop, pending) in _inFlight)
        {
            if (pending.Group == group && _inFlight.TryRemove(hop, out _))
            {
                pending.CompleteLater(new Envelope { Kind = EnvelopeKind.Error, Payload = new PortwayError(ErrorCode.Unavailable, why).ToPayload() });
            }
        }
    }

    /// <summary>For a container disposed synchronously: the same as <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loops is { } loops)
        {
            try
            {
                await loops.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }

        _stopping.Dispose();
    }

    /// <summary>
    /// A hop waiting for its answer, and the group it went to. Its caller's continuation runs where the answer is set:
    /// the reply reader sets a read's answers together in ONE thread-pool work item (one wake-up for the batch, not
    /// one per caller); every other completion (a failure, a cancellation) is queued on its own with
    /// <see cref="CompleteLater"/>, never run on the thread that noticed it.
    /// </summary>
    internal sealed class Pending(string group)
    {
        public string Group { get; } = group;

        public TaskCompletionSource<Envelope> Answer { get; } = new();

        /// <summary>Answers the caller from a thread-pool work item of its own.</summary>
        public void CompleteLater(Envelope answer) =>
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Pending.Answer.TrySetResult(state.Answer), (Pending: this, Answer: answer), preferLocal: false);

        /// <summary>Cancels the caller's wait from a thread-pool work item of its own (not on the cancelling thread).</summary>
        public void CancelLater(CancellationToken token) =>
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Pending.Answer.TrySetCanceled(state.Token), (Pending: this, Token: token), preferLocal: false);
    }

    private sealed class GroupState
    {
        private volatile string[] _liveIds = [];

        /// <summary>The workers whose announcement had not expired at the last look.</summary>
        public string[] LiveIds
        {
            get => _liveIds;
            set => _liveIds = value;
        }

        public bool Live => _liveIds.Length > 0;

        /// <summary>When (Unix ms) the watch saw the last live worker gone, while none has come back; read and written by the watch loop only.</summary>
        public long? LeftAt { get; set; }
    }
}
