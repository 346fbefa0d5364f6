using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Portway.Kv;
using Portway.Nodes;

namespace Portway.Pipelines.Batches;

/// <summary>
/// Keeps the batches on the kv port: one key per batch, <c>batches/ID</c>, JSON (<see cref="BatchRecord"/>). The
/// processor answers every read from memory; each change marks its batch, and a writer writes marked batches behind,
/// as they are then (a batch changed many times before its write is written once). On the memory kv backend, which a
/// restart empties, every batch is also snapshotted to <c>DATA_DIR/batches/batches.snapshot.json</c> every
/// <c>snapshotInterval</c> when something changed, and once more when the host stops (<see cref="FlushAsync"/>);
/// loading reads the snapshot back into the kv. On a kv that persists (Redis), loading reads the kv. Loading hands
/// the batches to the processor, whose waiting items (and those that were running) run again.
/// </summary>
internal sealed partial class BatchPersistence : IAsyncDisposable
{
    public const string KeyPrefix = "batches/";
    public const string FolderName = "batches";
    public const string SnapshotFileName = "batches.snapshot.json";

    private readonly IKvStore _kv;
    private readonly string? _snapshotPath;
    private readonly TimeProvider _time;
    private readonly TimeSpan _snapshotInterval;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, byte> _dirty = new(StringComparer.Ordinal);
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private BatchProcessor? _processor;
    private Task _writer = Task.CompletedTask;
    private SnapshotSchedule<IReadOnlyList<BatchRecord>>? _snapshot;

    public BatchPersistence(IKvStore kv, string? snapshotPath, TimeProvider time, TimeSpan snapshotInterval, ILogger logger)
    {
        _kv = kv ?? throw new ArgumentNullException(nameof(kv));
        _snapshotPath = snapshotPath;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _snapshotInterval = snapshotInterval;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Records that batch <paramref name="id"/> changed (written, or deleted when the processor forgot it). Never blocks.</summary>
    public void Changed(string id)
    {
        _dirty[id] = 0;
        _snapshot?.MarkChanged();
        _signal.Writer.TryWrite(true);
    }

    /// <summary>Reads the batches (from the snapshot when there is one, else from the kv), hands them to <paramref name="processor"/>, then starts writing changes.</summary>
    public async Task LoadAsync(BatchProcessor processor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(processor);
        _processor = processor;
        var records = await SnapshotFile.LoadAsync<BatchRecord>(
            _snapshotPath, _kv, KeyPrefix, r => r.Id, NodeJson.Options, Refused, (where, reason) => Log.Skipped(_logger, where, reason), cancellationToken).ConfigureAwait(false);
        if (_snapshotPath is { } path)
        {
            _snapshot = new(path, processor.Records, NodeJson.Options, _time, _snapshotInterval, ex => Log.SnapshotFailed(_logger, path, ex));
        }

        var resumed = processor.Restore(records);
        Log.Loaded(_logger, records.Count, resumed, _snapshotPath is null ? "kv" : "snapshot");
        _writer = Task.Run(WriteChangesAsync, CancellationToken.None);
    }

    /// <summary>
    /// Writes every change still marked, then the snapshot (once: the snapshot timer stops). Called when the host stops
    /// (after the processor stopped); a later call (or <see cref="DisposeAsync"/>) writes only changes marked since, to the kv.
    /// </summary>
    public async Task FlushAsync()
    {
        _signal.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        await WriteMarkedAsync().ConfigureAwait(false);
        if (_snapshot is not null)
        {
            await _snapshot.DisposeAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => new(FlushAsync());

    private async Task WriteChangesAsync()
    {
        await foreach (var _ in _signal.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await WriteMarkedAsync().ConfigureAwait(false);
        }
    }

    private async Task WriteMarkedAsync()
    {
        foreach (var id in _dirty.Keys)
        {
            _dirty.TryRemove(id, out _);
            try
            {
                if (_processor?.Record(id) is { } record)
                {
                    await _kv.SetAsync(KeyPrefix + id, Serialize(record)).ConfigureAwait(false);
                }
                else
                {
                    await _kv.DeleteAsync(KeyPrefix + id).ConfigureAwait(false);
                }
            }
#pragma warning disable CA1031 // One failed write is logged; the batch's next change writes it again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.WriteFailed(_logger, id, ex);
            }
        }
    }

    /// <summary>Why a stored batch cannot be served (a field missing), or null.</summary>
    private static string? Refused(BatchRecord record) =>
        string.IsNullOrEmpty(record.Id) || record.Items is null || record.Items.Any(i => i is null) ? "it lacks id or items" : null;

    private static byte[] Serialize(BatchRecord record) => JsonSerializer.SerializeToUtf8Bytes(record, NodeJson.Options);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1711, Level = LogLevel.Information, Message = "batches: {Count} batches loaded from the {Source}, {Resumed} items to run again")]
        public static partial void Loaded(ILogger logger, int count, int resumed, string source);

        [LoggerMessage(EventId = 1712, Level = LogLevel.Warning, Message = "batches: writing batch {Id} to the kv failed")]
        public static partial void WriteFailed(ILogger logger, string id, Exception exception);

        [LoggerMessage(EventId = 1713, Level = LogLevel.Warning, Message = "batches: snapshot to {Path} failed")]
        public static partial void SnapshotFailed(ILogger logger, string? path, Exception exception);

        [LoggerMessage(EventId = 1714, Level = LogLevel.Warning, Message = "batches: stored batch at {Where} skipped (not loaded): {Reason}")]
        public static partial void Skipped(ILogger logger, string where, string reason);
    }
}
