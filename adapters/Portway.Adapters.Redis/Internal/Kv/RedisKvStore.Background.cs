using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal.Kv;

internal sealed partial class RedisKvStore
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _sweepWake = new(0, 1);
    private Task? _subscribed;
    private Task? _sweeper;
    private int _disposed;

    /// <summary>Starts the change subscription and the expiry sweeper once the connection exists.</summary>
    private void EnsureBackground()
    {
        if (Volatile.Read(ref _sweeper) is not null) return;
        lock (_gate)
        {
            if (_sweeper is not null || _stopping.IsCancellationRequested) return;
            _subscribed = SubscribeCoreAsync();
            _sweeper = Task.Run(SweepLoopAsync);
        }
    }

    private Task SubscribeAsync()
    {
        EnsureBackground();
        return _subscribed ?? Task.CompletedTask;
    }

    private async Task SubscribeCoreAsync()
    {
        var multiplexer = await _connection.ConnectAsync().ConfigureAwait(false);
        multiplexer.ConnectionRestored += (_, _) =>
        {
            Interlocked.Increment(ref _reconnects);
            PulseAll();
            WakeSweeper();
        };
        await multiplexer.GetSubscriber().SubscribeAsync(_channel, (_, _) =>
        {
            PulseAll();
            WakeSweeper();
        }).ConfigureAwait(false);
    }

    private void WakeSweeper()
    {
        try
        {
            if (_sweepWake.CurrentCount == 0) _sweepWake.Release();
        }
        catch (SemaphoreFullException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Logs expiries when they come due: sleeps until the earliest one, or until a change may have added an earlier one.</summary>
    private async Task SweepLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            var wait = Timeout.InfiniteTimeSpan;
            try
            {
                var db = await _connection.DatabaseAsync(token).ConfigureAwait(false);
                var next = (long)await db.ScriptEvaluateAsync(RedisKvScripts.Sweep, [_hashPrefix + "-", _rev, _log, _exp], [LogLength, _channel.ToString(), _hashPrefix]).ConfigureAwait(false);
                if (next >= 0) wait = TimeSpan.FromMilliseconds(next + 1);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
            {
                RedisKvLog.SweepFailed(_logger, ex);
                wait = TimeSpan.FromSeconds(1);
            }

            try
            {
                await _sweepWake.WaitAsync(wait, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Stops the sweeper. Safe to call twice (DI disposes it as itself and as <c>IKvStore</c>).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_sweeper is { } sweeper) await sweeper.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
