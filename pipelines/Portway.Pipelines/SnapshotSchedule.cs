using System.Text.Json;

namespace Portway.Pipelines;

/// <summary>
/// When a pipeline's snapshot (the batches', the node directory's) is written to <c>path</c> through
/// <see cref="SnapshotFile"/>: every <c>interval</c> when something was marked changed since the last write, one write
/// at a time (a change marked while a write runs is written by the next one), and once more, always, when disposed
/// (after the timer stopped; later calls write nothing). A failed write is reported to <c>failed</c> and the state
/// stays marked, so the next tick writes it again; a failure never throws to the caller.
/// </summary>
/// <typeparam name="T">What is written: the <c>state</c> function's answer, read when a write begins.</typeparam>
internal sealed class SnapshotSchedule<T> : IAsyncDisposable
{
    private readonly string _path;
    private readonly Func<T> _state;
    private readonly JsonSerializerOptions _options;
    private readonly Action<Exception> _failed;

    // Never disposed: no wait handle is ever asked of it, and a tick queued before DisposeAsync may still release it.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ITimer? _timer;
    private int _changed;
    private int _disposed;

    /// <summary>Starts the timer (none when <paramref name="interval"/> is zero or less: then only <see cref="WriteAsync"/> and <see cref="DisposeAsync"/> write).</summary>
    public SnapshotSchedule(string path, Func<T> state, JsonSerializerOptions options, TimeProvider time, TimeSpan interval, Action<Exception> failed)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(time);
        _path = path;
        _state = state ?? throw new ArgumentNullException(nameof(state));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _failed = failed ?? throw new ArgumentNullException(nameof(failed));
        if (interval > TimeSpan.Zero)
        {
            _timer = time.CreateTimer(static s => _ = ((SnapshotSchedule<T>)s!).WriteAsync(force: false), this, interval, interval);
        }
    }

    /// <summary>Marks the state changed: the next write (a tick's) writes it. Never blocks.</summary>
    public void MarkChanged() => Volatile.Write(ref _changed, 1);

    /// <summary>Writes the snapshot when something was marked changed since the last write began (or always, with <paramref name="force"/>); after <see cref="DisposeAsync"/>, nothing.</summary>
    public Task WriteAsync(bool force) => Volatile.Read(ref _disposed) != 0 ? Task.CompletedTask : WriteCoreAsync(force);

    /// <summary>Stops the timer, waits for a write under way, then writes the state as it is now. Only the first call does anything.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        await WriteCoreAsync(force: true).ConfigureAwait(false);
    }

    private async Task WriteCoreAsync(bool force)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Interlocked.Exchange(ref _changed, 0) == 0 && !force)
            {
                return;
            }

            await SnapshotFile.WriteAsync(_path, _state(), _options).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed snapshot is reported and retried at the next tick; it never stops the pipeline.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Volatile.Write(ref _changed, 1);
            _failed(ex);
        }
        finally
        {
            _gate.Release();
        }
    }
}
