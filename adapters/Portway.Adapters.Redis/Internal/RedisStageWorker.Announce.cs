using Microsoft.Extensions.Logging;
using Portway.Transport;
using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal;

/// <summary>
/// A worker's announcement: a key per worker (its value names this process: machine, pid and a random part) that
/// expires, and the group's index of workers by expiry, which hosts read to know the live ones. Setting the key returns
/// what it held, so a worker notices another process announcing under its id (two <c>--worker-id</c> alike; not its
/// own previous process, whose key it finds at its first announcement): they would share one consumer in the group and
/// one entry among the live workers. It logs that as an error every <see cref="ClashLogEvery"/> while it lasts and
/// counts it in <see cref="IdClashes"/>.
/// </summary>
internal sealed partial class RedisStageWorker
{
    private static readonly TimeSpan ClashLogEvery = TimeSpan.FromSeconds(30);

    private readonly string _announceValue = $"{Environment.MachineName}/{Environment.ProcessId}/{EnvelopeIds.NewId()[..8]}";
    private long _idClashes;
    private DateTimeOffset _clashLogged = DateTimeOffset.MinValue;

    /// <summary>Announcements that found this worker's key held by another process (the same worker id used twice).</summary>
    public long IdClashes => Interlocked.Read(ref _idClashes);

    private RedisKey AnnounceKey => RedisStreamNames.Worker(_connection.KeyPrefix, Group, WorkerId);

    /// <summary>
    /// Announces this worker every half second with a key that expires after two (and its index entry), until it has
    /// drained: a stopping worker still holds hops, and a host seeing no live worker would fail them.
    /// </summary>
    private async Task AnnounceLoopAsync()
    {
        using var timer = new PeriodicTimer(AnnounceEvery, _time);
        var token = _drained.Token;
        var announced = false;
        do
        {
            try
            {
                if (_connection.IsConnected || !_connection.IsStarted)
                {
                    var db = await _connection.DatabaseAsync(token).ConfigureAwait(false);
                    var expires = _time.GetUtcNow().ToUnixTimeMilliseconds() + AnnounceTtlMs;
                    var held = await db.StringSetAndGetAsync(AnnounceKey, _announceValue, TimeSpan.FromMilliseconds(AnnounceTtlMs)).ConfigureAwait(false);
                    // The first time, another value is most likely this id's previous process (a restarted replica), its key
                    // not yet expired; after that, it was set within the last half second: a live process shares the id.
                    if (held.HasValue && held != _announceValue && announced) Clash(held.ToString());
                    announced = true;
                    var index = RedisStreamNames.Workers(_connection.KeyPrefix, Group);
                    await db.SortedSetAddAsync(index, WorkerId, expires).ConfigureAwait(false);
                    await db.SortedSetRemoveRangeByScoreAsync(index, double.NegativeInfinity, expires - (10 * AnnounceTtlMs)).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                RedisLog.TransportError(_logger, $"announcing worker {WorkerId}", ex.Message);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        while (await Tick(timer, token).ConfigureAwait(false));
    }

    private void Clash(string other)
    {
        Interlocked.Increment(ref _idClashes);
        var now = _time.GetUtcNow();
        if (now - _clashLogged < ClashLogEvery) return;
        _clashLogged = now;
        RedisLog.WorkerIdShared(_logger, WorkerId, Group, _announceValue, other);
    }

    /// <summary>Takes this worker out of the live ones: its key (only while it is this process's) and its index entry.</summary>
    private async Task UnannounceAsync(IDatabase db)
    {
        // Deleted only if it holds this process's value (a check-and-delete on the server).
        await db.LockReleaseAsync(AnnounceKey, _announceValue).ConfigureAwait(false);
        await db.SortedSetRemoveAsync(RedisStreamNames.Workers(_connection.KeyPrefix, Group), WorkerId).ConfigureAwait(false);
    }
}
