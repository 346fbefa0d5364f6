using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portway.Configuration;
using Portway.Transport;
using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal;

/// <summary>
/// A worker of one process group over Redis: reads the group's hop stream in the consumer group <c>workers</c>
/// (a blocking <c>XREADGROUP</c> on a dedicated connection; an entry carries one or more hops), verifies each hop, skips (acknowledges, does not run) one
/// past its caller's deadline, runs the stage, adds the signed answer to the reply stream of the instance its
/// <c>reply_to</c> names (<c>NOMKSTREAM</c>: a host that is gone gets nothing), and <c>XACK</c>s each entry once all its hops are answered
/// (<see cref="RedisHopEntry"/>). It announces
/// itself with a key that expires, and claims hops a dead worker left pending longer than <c>claim_idle_ms</c>
/// (<c>XAUTOCLAIM</c>). Runs up to <see cref="Concurrency"/> hops at a time. Stopping drains: it reads no more (its
/// blocked read is released, and hops it already brought still run), lets the hops it holds answer for up to
/// <see cref="DrainTimeout"/> (<c>runtime.web.drain_timeout_ms</c>), then cancels the rest (left pending for a live worker to claim) and unannounces itself.
/// </summary>
internal sealed partial class RedisStageWorker : IHostedService, IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan Block = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan AnnounceEvery = TimeSpan.FromMilliseconds(500);
    private const int AnnounceTtlMs = 2000;

    /// <summary>
    /// About the most hops of one read whose answers wait for each other (one call): a read of many hops (a burst)
    /// answers as it goes, cutting a call after the entry that reaches this many, so the host completes the first
    /// callers while the worker runs the rest, instead of every answer waiting for the whole read to have run.
    /// </summary>
    internal const int FlushEvery = 16;

    private readonly RedisConnection _connection;
    private readonly IStageRunner _runner;
    private readonly EnvelopeWire _wire;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RedisConfig _redis;
    private readonly string _stream;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _drained = new();
    private readonly HashSet<Task> _running = [];
    private readonly RedisAnswerBatch _answers;
    private Task? _loops;
    private Task? _announcing;
    private long _readClientId;
    private int _disposed;
    private long _ran;
    private long _expired;
    private long _rejected;

    public RedisStageWorker(string group, string workerId, int concurrency, RedisConnection connection, PortwayConfig config, IStageRunner runner,
        EnvelopeWire wire, TimeProvider time, ILogger<RedisStageWorker> logger)
    {
        Group = group;
        WorkerId = workerId;
        Concurrency = concurrency;
        _connection = connection;
        _runner = runner;
        _wire = wire;
        _time = time;
        _logger = logger;
        _redis = config.Runtime.Platform.Redis;
        DrainTimeout = TimeSpan.FromMilliseconds(config.Runtime.Web.DrainTimeoutMs);
        _stream = RedisStreamNames.Hops(connection.KeyPrefix, group);
        _slots = new SemaphoreSlim(concurrency, concurrency);
        _answers = new RedisAnswerBatch(connection, _stream, _redis.StreamMaxLength, group, logger);
    }

    public string Group { get; }

    /// <summary>This worker's consumer name in the group (unique per process).</summary>
    public string WorkerId { get; }

    public int Concurrency { get; }

    /// <summary>How long a stopping worker lets the hops it holds run to their answer before it cancels them (<c>runtime.web.drain_timeout_ms</c>).</summary>
    public TimeSpan DrainTimeout { get; }

    /// <summary>
    /// The longest a stop takes: the drain, a second for cancelled hops to end, and up to five for the last answers to
    /// reach Redis. A host allows a replica this and a margin; a standalone worker's host allows it too.
    /// </summary>
    internal static TimeSpan StopTimeout(PortwayConfig config) => TimeSpan.FromMilliseconds(config.Runtime.Web.DrainTimeoutMs) + TimeSpan.FromSeconds(6);

    /// <summary>Hops run to an answer.</summary>
    public long Ran => Interlocked.Read(ref _ran);

    /// <summary>Hops acknowledged without running: their caller's deadline had passed.</summary>
    public long Expired => Interlocked.Read(ref _expired);

    /// <summary>Hops acknowledged without running or answering: they failed verification (signature, ts, replay, format).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Calls that carried answers and acknowledgements to Redis (several hops share one under load).</summary>
    public long AnswerCalls => _answers.Calls;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loops = Task.WhenAll(
            Task.Run(ReadLoopAsync, CancellationToken.None),
            Task.Run(ClaimLoopAsync, CancellationToken.None));
        _announcing = Task.Run(AnnounceLoopAsync, CancellationToken.None);
        RedisLog.WorkerStarted(_logger, WorkerId, Group, _stream);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested) return;
        // Stops reading (the blocked read is released and what it returns still runs) and claiming; it goes on
        // announcing itself until it has drained.
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loops is { } loops) await loops.WaitAsync(cancellationToken).ConfigureAwait(false);

        // Drains: the hops this worker holds run to their answer for up to DrainTimeout; then they are cancelled and,
        // not answered, stay pending for a live worker to claim after claim_idle_ms.
        Task[] running;
        lock (_running) running = [.. _running];
        try
        {
            await Task.WhenAll(running).WaitAsync(DrainTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        await _abort.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        try
        {
            _answers.Flush();
            await Task.WhenAll(_answers.Sending()).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        await _drained.CancelAsync().ConfigureAwait(false);
        if (_announcing is { } announcing) await announcing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection.DatabaseIfConnected is { } db)
            {
                // Awaited on the shared connection after the fire-and-forget answer calls: they are processed first.
                await LeaveGroupAsync(db).ConfigureAwait(false);
                await UnannounceAsync(db).ConfigureAwait(false);
            }
        }
        catch (RedisException)
        {
        }

        RedisLog.WorkerStopped(_logger, WorkerId, Group);
    }

    /// <summary>For a container disposed synchronously: the same as <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        // The container may dispose it twice (as the worker and as its hosted service).
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        // A stop cut short (its token ended) leaves these to end here.
        await _abort.CancelAsync().ConfigureAwait(false);
        await _drained.CancelAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _abort.Dispose();
        _drained.Dispose();
        _slots.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        ConnectionMultiplexer? dedicated = null;
        CancellationTokenRegistration closeOnStop = default;
        RedisKey stream = _stream;
        var groupReady = false;
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                // One slot is held while the read blocks; the count asks for as many as are free now, and each
                // entry past the first waits for its own slot. Slots are not hoarded, so claiming still gets some.
                var held = 0;
                try
                {
                    await _slots.WaitAsync(_stopping.Token).ConfigureAwait(false);
                    held = 1;
                    if (dedicated is null)
                    {
                        dedicated = await _connection.OpenDedicatedAsync($"worker-{Group}", Block, _stopping.Token).ConfigureAwait(false);
                        // Stopping releases the blocked read (no extra task per read to watch the token).
                        closeOnStop = _stopping.Token.Register(static state =>
                        {
                            var (worker, connection) = ((RedisStageWorker, ConnectionMultiplexer))state!;
                            worker.ReleaseRead(connection);
                        }, (this, dedicated));
                    }

                    var db = dedicated.GetDatabase();
                    if (Interlocked.Read(ref _readClientId) == 0) Interlocked.Exchange(ref _readClientId, (long)await db.ExecuteAsync("CLIENT", "ID").ConfigureAwait(false));
                    if (!groupReady) groupReady = await EnsureGroupAsync(db).ConfigureAwait(false);
                    var result = await db.ExecuteAsync("XREADGROUP", "GROUP", RedisStreamNames.ConsumerGroup, WorkerId, "COUNT", EntriesFor(1 + _slots.CurrentCount),
                        "BLOCK", (int)Block.TotalMilliseconds, "STREAMS", stream, ">").ConfigureAwait(false);
                    // The hops of this read that answer at once share one call for their answers and acknowledgements;
                    // a read of many hops answers as it goes, in calls of about FlushEvery hops, cut between entries
                    // (an entry's hops answered in one call acknowledge it in that call).
                    _answers.Hold();
                    try
                    {
                        var hops = RedisStreamEntries.Parse(result);
                        var sinceFlush = 0;
                        for (var i = 0; i < hops.Count;)
                        {
                            var count = 1;
                            while (i + count < hops.Count && hops[i + count].Id == hops[i].Id) count++;
                            if (sinceFlush >= FlushEvery)
                            {
                                _answers.Release();
                                _answers.Hold();
                                sinceFlush = 0;
                            }

                            var entry = new RedisHopEntry(hops[i].Id, count);
                            for (var end = i + count; i < end; i++)
                            {
                                if (held > 0) held--;
                                else if (!_slots.Wait(0))
                                {
                                    _answers.Release();
                                    await _slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                                    _answers.Hold();
                                }

                                Run(entry, hops[i].Envelope);
                            }

                            sinceFlush += count;
                        }
                    }
                    finally
                    {
                        // On the read's own connection: the answers and acknowledgements go out just ahead of the next
                        // read, in one write, and under load their replies come back with its result (one wake-up).
                        _answers.Release(db);
                    }
                }
                catch (Exception) when (_stopping.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    // NOGROUP after Redis restarted empty: create the group again on the next read (and learn the
                    // read connection's id anew: a reconnected connection has another).
                    groupReady = false;
                    Interlocked.Exchange(ref _readClientId, 0);
                    RedisLog.TransportError(_logger, $"reading hops of '{Group}'", ex.Message);
                    await PauseAsync().ConfigureAwait(false);
                }
                finally
                {
                    if (held > 0) _slots.Release(held);
                }
            }
        }
        finally
        {
            await closeOnStop.DisposeAsync().ConfigureAwait(false);
            if (dedicated is not null)
            {
                // The last answers went fire-and-forget on this connection: a reply to a command after them means Redis has them.
                try
                {
                    if (dedicated.IsConnected) await dedicated.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
                {
                }

                await dedicated.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Ends the read blocked on <paramref name="connection"/> for a stop: <c>CLIENT UNBLOCK</c> from the shared connection
    /// (the read returns, and whatever it brought still runs), else — no id yet, the shared connection down, the command
    /// refused — the read ends by itself within its block time; a connection still blocked 2 s later is closed.
    /// </summary>
    private void ReleaseRead(ConnectionMultiplexer connection)
    {
        try
        {
            var id = Interlocked.Read(ref _readClientId);
            if (id != 0 && _connection.DatabaseIfConnected is { } db) db.Execute("CLIENT", ["UNBLOCK", id], CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
        }

        _ = Task.Delay(TimeSpan.FromSeconds(2)).ContinueWith(static (_, state) => ((ConnectionMultiplexer)state!).Dispose(), connection, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// How many entries to read for <paramref name="slots"/> free slots: an entry carries up to
    /// <see cref="RedisHopSender.MaxPerEntry"/> hops, so a read takes about as many hops as it has slots for (at least one
    /// entry), not that many entries — which would take hops the group's other workers could run meanwhile.
    /// </summary>
    internal static int EntriesFor(int slots) => Math.Max(1, slots / RedisHopSender.MaxPerEntry);

    /// <summary>Creates the consumer group (and the stream) unless it exists.</summary>
    private async Task<bool> EnsureGroupAsync(IDatabase db)
    {
        try
        {
            await db.ExecuteAsync("XGROUP", "CREATE", (RedisKey)_stream, RedisStreamNames.ConsumerGroup, "0", "MKSTREAM").ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
        }

        return true;
    }

    private async Task PauseAsync()
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), _time, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Starts one hop of <paramref name="entry"/> (its slot already taken; released when it ends).</summary>
    private void Run(RedisHopEntry entry, byte[] bytes)
    {
        var task = HandleAsync(entry, bytes);
        if (task.IsCompleted)
        {
            // Ran to its end already (a stage that answers at once): nothing to track.
            _slots.Release();
            return;
        }

        lock (_running) _running.Add(task);
        _ = task.ContinueWith(t =>
        {
            lock (_running) _running.Remove(t);
            _slots.Release();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
