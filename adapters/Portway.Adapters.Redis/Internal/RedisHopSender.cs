using Portway.Transport;
using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal;

/// <summary>
/// Adds a group's hops to its hop stream with at most one call in flight: a hop sent while the stream is idle goes out
/// at once (one <c>XADD</c>); the hops sent while a call is in flight queue and leave together when it returns, in one
/// script of several <c>XADD</c>s. Under load a call carries many hops (one round trip, one reply to read and complete
/// instead of one per hop), idle it costs nothing more than the plain <c>XADD</c>. A call that fails answers each of
/// its hops <c>unavailable</c> through <see cref="RedisReplyHub"/> (their waiters end at once, not at their deadline).
/// </summary>
internal sealed class RedisHopSender
{
    /// <summary>KEYS[1] the hop stream; ARGV[1] its MAXLEN, ARGV[2..] the encoded hops. Returns how many were added.</summary>
    internal const string Script = """
        for i = 2, #ARGV do
          redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[i])
        end
        return #ARGV - 1
        """;

    /// <summary>The most hops one call carries.</summary>
    private const int MaxPerCall = 256;

    private readonly RedisConnection _connection;
    private readonly RedisReplyHub _hub;
    private readonly RedisKey _stream;
    private readonly int _maxLength;
    private readonly string _group;
    private readonly object _gate = new();
    private List<Hop> _queued = [];
    private bool _inFlight;
    private long _calls;

    public RedisHopSender(RedisConnection connection, RedisReplyHub hub, string stream, int maxLength, string group)
    {
        _connection = connection;
        _hub = hub;
        _stream = stream;
        _maxLength = maxLength;
        _group = group;
    }

    /// <summary>Calls sent to Redis (hops per call = hops / calls).</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Sends <paramref name="bytes"/> (the hop <paramref name="hopId"/>, its waiter registered): now, or with the next call.</summary>
    public void Send(string hopId, byte[] bytes)
    {
        List<Hop> batch;
        lock (_gate)
        {
            if (_inFlight)
            {
                _queued.Add(new Hop(hopId, bytes));
                return;
            }

            _inFlight = true;
            batch = [new Hop(hopId, bytes)];
        }

        _ = SendLoopAsync(batch);
    }

    /// <summary>Sends <paramref name="batch"/>, then whatever queued meanwhile, until nothing is left.</summary>
    private async Task SendLoopAsync(List<Hop> batch)
    {
        while (true)
        {
            await SendAsync(batch).ConfigureAwait(false);
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
        }
    }

    private async Task SendAsync(List<Hop> batch)
    {
        Interlocked.Increment(ref _calls);
        try
        {
            if (_connection.DatabaseIfConnected is not { } db)
            {
                Fail(batch, $"redis is unreachable ({_connection.Description})");
                return;
            }

            if (batch.Count == 1)
            {
                await db.StreamAddAsync(_stream, RedisStreamNames.EnvelopeField, batch[0].Bytes, maxLength: _maxLength, useApproximateMaxLength: true).ConfigureAwait(false);
                return;
            }

            var values = new RedisValue[batch.Count + 1];
            values[0] = _maxLength;
            for (var i = 0; i < batch.Count; i++) values[i + 1] = batch[i].Bytes;
            await db.ScriptEvaluateAsync(Script, [_stream], values).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            Fail(batch, ex.Message);
        }
    }

    private void Fail(List<Hop> batch, string why)
    {
        var error = new PortwayError(ErrorCode.Unavailable, $"redis refused the hop for process group '{_group}': {why}");
        foreach (var hop in batch) _hub.Fail(hop.Id, error);
    }

    private readonly record struct Hop(string Id, byte[] Bytes);
}
