using Xunit;
using Portway.Kv;

namespace Portway.Testing.Kv;

/// <summary>
/// Reads a kv watch one event at a time, each with a deadline (a signal, never a sleep). The watch starts when
/// the reader is made (its first move is begun at once), so writes made after the constructor returns are
/// changes, not current values: a backend's watch takes its snapshot synchronously on the first move, or
/// issues it ahead of any later command on the same connection.
/// </summary>
public sealed class KvWatchReader : IAsyncDisposable
{
    /// <summary>How long one event may take to come; generous, for a loaded machine.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly CancellationTokenSource _stop = new();
    private readonly IAsyncEnumerator<KvChange> _events;
    private ValueTask<bool>? _pending;

    public KvWatchReader(IKvStore store, KvSelector selector)
    {
        ArgumentNullException.ThrowIfNull(store);
        _events = store.WatchAsync(selector, _stop.Token).GetAsyncEnumerator(_stop.Token);
        _pending = _events.MoveNextAsync();
    }

    /// <summary>The next event; fails the test when none comes within <see cref="Deadline"/> or the watch ends.</summary>
    public async Task<KvChange> NextAsync()
    {
        var more = await MoveNextAsync().AsTask().WaitAsync(Deadline);
        Assert.True(more, "the watch ended");
        return _events.Current;
    }

    /// <summary>Cancels the watch (as a caller going away does).</summary>
    public void Cancel() => _stop.Cancel();

    /// <summary>The next move after <see cref="Cancel"/>: the enumeration must stop.</summary>
    public ValueTask<bool> MoveNextAsync()
    {
        if (_pending is { } pending)
        {
            _pending = null;
            return pending;
        }

        return _events.MoveNextAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (_pending is { } pending) await pending;
        }
        catch (OperationCanceledException)
        {
        }

        try
        {
            await _events.DisposeAsync();
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
