using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Portway.Pipelines.Tests;

/// <summary>
/// When a pipeline's snapshot is written (<see cref="SnapshotSchedule{T}"/>), to real files in a temporary folder; the
/// fake clock's ticks run the timer's write on the test's thread, so a write a tick begins holds the gate when
/// <c>Advance</c> returns (a <c>WriteAsync(force: false)</c> after it waits for that write to end).
/// </summary>
public sealed class SnapshotScheduleTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "portway-snapshot-schedule-" + Guid.NewGuid().ToString("N"));
    private readonly List<Exception> _failures = [];
    private readonly TaskCompletionSource<Exception> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ManualResetEventSlim _release = new(initialState: true);
    private readonly TaskCompletionSource _stateRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile int[] _value = [1];
    private int _reads;

    private string SnapshotPath => Path.Combine(_folder, "state.snapshot.json");

    public void Dispose()
    {
        _release.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private SnapshotSchedule<int[]> NewSchedule(string? path = null) =>
        new(path ?? SnapshotPath, State, JsonSerializerOptions.Default, _clock, Interval, ex =>
        {
            lock (_failures)
            {
                _failures.Add(ex);
            }

            _failed.TrySetResult(ex);
        });

    /// <summary>What the schedule writes: the value as it is when the write begins (held there while <see cref="_release"/> is reset).</summary>
    private int[] State()
    {
        var value = _value;
        Interlocked.Increment(ref _reads);
        _stateRead.TrySetResult();
        if (!_release.Wait(Deadline))
        {
            throw new TimeoutException("the test never released the write");
        }

        return value;
    }

    private int[] Written() => JsonSerializer.Deserialize<int[]>(File.ReadAllBytes(SnapshotPath))!;

    [Fact]
    public async Task ChangeMarkedWhileAWriteRuns_IsWrittenByTheNextTick_AndAnUnchangedTickWritesNothing()
    {
        await using var schedule = NewSchedule();
        schedule.MarkChanged();
        _release.Reset();
        var first = Task.Run(() => schedule.WriteAsync(force: false));
        await _stateRead.Task.WaitAsync(Deadline);

        _value = [1, 2];
        schedule.MarkChanged();
        _release.Set();
        await first.WaitAsync(Deadline);
        Assert.Equal([1], Written());

        _clock.Advance(Interval);
        await schedule.WriteAsync(force: false).WaitAsync(Deadline);
        Assert.Equal([1, 2], Written());
        Assert.Equal(2, Volatile.Read(ref _reads));

        _clock.Advance(Interval);
        await schedule.WriteAsync(force: false).WaitAsync(Deadline);
        Assert.Equal(2, Volatile.Read(ref _reads));
        Assert.Empty(_failures);
    }

    [Fact]
    public async Task FailedWrite_IsReported_AndWrittenAgainAtTheNextTick()
    {
        // The snapshot's folder is a file: creating the folder fails until the file is gone.
        var folder = Path.Combine(_folder, "sub");
        var path = Path.Combine(folder, "state.snapshot.json");
        Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(folder, "in the way");
        await using var schedule = NewSchedule(path);
        schedule.MarkChanged();

        _clock.Advance(Interval);
        var failure = await _failed.Task.WaitAsync(Deadline);
        Assert.IsType<IOException>(failure, exactMatch: false);
        Assert.False(File.Exists(path));

        File.Delete(folder);
        _clock.Advance(Interval);
        await schedule.WriteAsync(force: false).WaitAsync(Deadline);

        var written = JsonSerializer.Deserialize<int[]>(await File.ReadAllBytesAsync(path))!;
        Assert.Equal([1], written);
        Assert.Equal(2, Volatile.Read(ref _reads));
        Assert.Single(_failures);
    }

    [Fact]
    public async Task Dispose_WritesTheLastStateOnce_AndStopsTheTimer()
    {
        var schedule = NewSchedule();
        _value = [7, 8];

        await schedule.DisposeAsync();
        Assert.Equal([7, 8], Written());
        Assert.Equal(1, Volatile.Read(ref _reads));

        _value = [9];
        schedule.MarkChanged();
        _clock.Advance(Interval * 3);
        await schedule.DisposeAsync();
        await schedule.WriteAsync(force: true).WaitAsync(Deadline);

        Assert.Equal([7, 8], Written());
        Assert.Equal(1, Volatile.Read(ref _reads));
        Assert.Empty(_failures);
    }

    [Fact]
    public async Task Dispose_WaitsForTheWriteUnderWay_ThenWritesTheStateAsItIsNow()
    {
        var schedule = NewSchedule();
        schedule.MarkChanged();
        _release.Reset();
        var running = Task.Run(() => schedule.WriteAsync(force: false));
        await _stateRead.Task.WaitAsync(Deadline);

        _value = [3];
        var disposing = schedule.DisposeAsync().AsTask();
        _release.Set();
        await Task.WhenAll(running, disposing).WaitAsync(Deadline);

        Assert.Equal([3], Written());
        Assert.Equal(2, Volatile.Read(ref _reads));
        Assert.Empty(_failures);
    }
}
