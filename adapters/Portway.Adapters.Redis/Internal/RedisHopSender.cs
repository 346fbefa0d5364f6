using Portway.Transport;
using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal;

/// <summary>
/// Adds a group's hops to its hop stream with at most one call in flight. A call does not leave from the caller's
/// thread: the first hop sent while the stream is idle schedules a run at the back of the thread pool's queue, and the
/// hops sent before it runs (the other requests of the same burst, already queued ahead of it) leave with it; when a call
/// returns, the next run is scheduled the same way. A run takes every hop queued so far as ONE stream entry (one
/// <c>XADD</c> with an <c>e</c> field per hop, up to <see cref="MaxPerEntry"/>; more hops, more entries in the same
/// call). Under load a call carries many hops in one entry — one entry for Redis to add, hand to a worker, track as
/// pending and acknowledge, instead of one per hop — and a burst of callers stays one batch end to end instead of
/// splitting into a first hop alone and the rest (measured: ~10 % more req/s on the <c>sys.echo/redis</c> row); idle, a
/// hop costs one work item more than a plain <c>XADD</c>. A call that fails answers each of its hops <c>unavailable</c>
/// through <see cref="RedisReplyHub"/> (their waiters end at once, not at their deadline).
/// </summary>
internal sealed class RedisHopSender : IThreadPoolWorkItem
{
    /// <summary>
    /// The most hops one stream entry carries (a stream of <c>stream_max_length</c> entries holds at most this many times
    /// as many hops): as many as a worker answers in one call (<see cref="RedisStageWorker.FlushEvery"/>), so an entry's
    /// answers and its acknowledgement mostly go in one call.
    /// </summary>
    internal const int MaxPerEntry = RedisStageWorker.FlushEvery;

    /// <summary>The most hops one call carries (in entries of <see cref="MaxPerEntry"/>).</summary>
    private const int MaxPerCall = 256;

    private readonly RedisConnection _connection;
    private readonly RedisReplyHub _hub;
    private readonly RedisKey _stream;
    private readonly int _maxLength;
    private readonly string _group;
    private readonly Action<IThreadPoolWorkItem> _schedule;
    private readonly object _gate = new();
    private List<Hop> _queued = [];
    private bool _inFlight;
    private long _calls;

    /// <param name="schedule">Queues the sender's next run (tests run it by hand); default: the back of the thread pool's global queue.</param>
    public RedisHopSender(RedisConnection connection, RedisReplyHub hub, string stream, int maxLength, string group, Action<IThreadPoolWorkItem>? schedule = null)
    {
        _schedule = schedule ?? ScheduleOnThreadPool;
        _connection = connection;
        _hub = hub;
        _stream = stream;
        _maxLength = maxLength;
        _group = group;
    }

    /// <summary>Calls sent to Redis (hops per call = hops / calls).</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Sends <paramref name="bytes"/> (the hop <paramref name="hopId"/>, its waiter registered) with the next call.</summary>
    public void Send(string hopId, byte[] bytes)
    {
        lock (_gate)
        {
            _queued.Add(new Hop(hopId, bytes));
            if (_inFlight) return;
            _inFlight = true;
        }

        _schedule(this);
    }

    /// <summary>A run: sends what has queued (up to <see cref="MaxPerCall"/> hops), or goes idle when nothing has.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        List<Hop> batch;
        lock (_gate)
        {
            if (_queued.Count == 0)
            {
                _inFlight = false;
                return;
            }

            if (_queued.Count <= MaxPerCall)
            {
                (batch, _queued) = (_queued, []);
            }
            else
            {
                batch = _queued.GetRange(0, MaxPerCall);
                _queued.RemoveRange(0, MaxPerCall);
            }
        }

        _ = SendThenScheduleAsync(batch);
    }

    /// <summary>Sends <paramref name="batch"/>, then schedules the next run (whatever queued meanwhile goes with it).</summary>
    private async Task SendThenScheduleAsync(List<Hop> batch)
    {
        try
        {
            await SendAsync(batch).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Whatever went wrong, the runs must go on: this is the only sender while _inFlight is set.
            Fail(batch, ex.Message);
        }

        _schedule(this);
    }

    private static void ScheduleOnThreadPool(IThreadPoolWorkItem run) => ThreadPool.UnsafeQueueUserWorkItem(run, preferLocal: false);

    private async Task SendAsync(List<Hop> batch)
    {
        Interlocked.Increment(ref _calls);
        if (_connection.DatabaseIfConnected is not { } db)
        {
            Fail(batch, $"redis is unreachable ({_connection.Description})");
            return;
        }

        // Every entry's XADD is written before any is awaited: the call is one round trip.
        var adds = new Task[(batch.Count + MaxPerEntry - 1) / MaxPerEntry];
        for (var e = 0; e < adds.Length; e++) adds[e] = Add(db, batch, e * MaxPerEntry, EntrySize(batch, e));
        for (var e = 0; e < adds.Length; e++)
        {
            try
            {
                await adds[e].ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
                Fail(batch, e * MaxPerEntry, EntrySize(batch, e), ex.Message);
            }
        }
    }

    /// <summary>How many hops of <paramref name="batch"/> its entry number <paramref name="entry"/> carries.</summary>
    private static int EntrySize(List<Hop> batch, int entry) => Math.Min(MaxPerEntry, batch.Count - (entry * MaxPerEntry));

    /// <summary>Adds <paramref name="count"/> hops of <paramref name="batch"/> from <paramref name="start"/> as one entry (a failure to send is the task's).</summary>
    private Task Add(IDatabase db, List<Hop> batch, int start, int count)
    {
        try
        {
            if (count == 1) return db.StreamAddAsync(_stream, RedisStreamNames.EnvelopeField, batch[start].Bytes, maxLength: _maxLength, useApproximateMaxLength: true);
            var pairs = new NameValueEntry[count];
            for (var i = 0; i < count; i++) pairs[i] = new NameValueEntry(RedisStreamNames.EnvelopeField, batch[start + i].Bytes);
            return db.StreamAddAsync(_stream, pairs, maxLength: _maxLength, useApproximateMaxLength: true);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            return Task.FromException(ex);
        }
    }

    private void Fail(List<Hop> batch, string why) => Fail(batch, 0, batch.Count, why);

    private void Fail(List<Hop> batch, int start, int count, string why)
    {
        var error = new PortwayError(ErrorCode.Unavailable, $"redis refused the hop for process group '{_group}': {why}");
        for (var i = start; i < start + count; i++) _hub.Fail(batch[i].Id, error);
    }

    private readonly record struct Hop(string Id, byte[] Bytes);
}
