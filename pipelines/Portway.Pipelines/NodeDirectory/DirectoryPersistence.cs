using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Portway.Kv;
using Portway.Nodes;

namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// Keeps the directory's entries on the kv port: one key per node, <c>directory/nodes/ID</c>, JSON. The
/// in-memory index (<see cref="MemoryDirectoryStore"/>) answers every read; each change is written behind to the
/// kv in order (a node changed twice before its write is written once, as it is then). On the memory kv backend,
/// which a restart empties, the index is also snapshotted to <c>DATA_DIR/directory/nodes.snapshot.json</c> every
/// <c>snapshotInterval</c> when something changed, and once more when the host stops (<see cref="FlushAsync"/>);
/// loading reads the snapshot back into the kv. A kv shared by several hosts (Redis) uses <see cref="SharedDirectoryStore"/> instead.
/// </summary>
internal sealed partial class DirectoryPersistence : IAsyncDisposable
{
    /// <summary>The kv keys' prefix.</summary>
    public const string KeyPrefix = "directory/nodes/";

    /// <summary>The snapshot's file name under the directory's state folder.</summary>
    public const string SnapshotFileName = "nodes.snapshot.json";

    private readonly IKvStore _kv;
    private readonly MemoryDirectoryStore _index;
    private readonly string? _snapshotPath;
    private readonly TimeProvider _time;
    private readonly TimeSpan _snapshotInterval;
    private readonly ILogger _logger;
    private readonly Channel<string> _changes = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private Task _writer = Task.CompletedTask;
    private SnapshotSchedule<IReadOnlyList<DirectoryEntry>>? _snapshot;

    public DirectoryPersistence(IKvStore kv, MemoryDirectoryStore index, string? snapshotPath, TimeProvider time, TimeSpan snapshotInterval, ILogger logger)
    {
        _kv = kv ?? throw new ArgumentNullException(nameof(kv));
        _index = index ?? throw new ArgumentNullException(nameof(index));
        _snapshotPath = snapshotPath;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _snapshotInterval = snapshotInterval;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Fills the index (from the snapshot when there is one, else from the kv), then starts writing changes.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var entries = await SnapshotFile.LoadAsync<DirectoryEntry>(
            _snapshotPath, _kv, KeyPrefix, e => e.Id, NodeJson.Options, Refused, (where, reason) => Log.Skipped(_logger, where, reason), cancellationToken).ConfigureAwait(false);
        if (_snapshotPath is { } path)
        {
            _snapshot = new(path, _index.All, NodeJson.Options, _time, _snapshotInterval, ex => Log.SnapshotFailed(_logger, path, ex));
        }

        foreach (var entry in entries)
        {
            _index.Put(entry);
        }

        Log.Loaded(_logger, entries.Count, _snapshotPath is null ? "kv" : "snapshot");
        _writer = Task.Run(WriteChangesAsync, CancellationToken.None);
    }

    /// <summary>Records that node <paramref name="id"/> changed (written, or deleted when it is gone).</summary>
    public void Changed(string id)
    {
        _snapshot?.MarkChanged();
        _changes.Writer.TryWrite(id);
    }

    /// <summary>
    /// Writes every change still queued, then the snapshot (once: the snapshot timer stops). Called when the host
    /// stops; a later call (or <see cref="DisposeAsync"/>) writes nothing more.
    /// </summary>
    public async Task FlushAsync()
    {
        _changes.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        if (_snapshot is not null)
        {
            await _snapshot.DisposeAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => new(FlushAsync());

    private async Task WriteChangesAsync()
    {
        await foreach (var id in _changes.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                if (_index.Get(id) is { } entry)
                {
                    await _kv.SetAsync(KeyPrefix + id, Serialize(entry)).ConfigureAwait(false);
                }
                else
                {
                    await _kv.DeleteAsync(KeyPrefix + id).ConfigureAwait(false);
                }
            }
#pragma warning disable CA1031 // One failed write is logged; the next change of that node writes it again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.WriteFailed(_logger, id, ex);
            }
        }
    }

    /// <summary>Why a stored entry cannot be served (a field missing), or null.</summary>
    private static string? Refused(DirectoryEntry entry) =>
        entry.IdUtf8.IsEmpty || entry.HasNoKey || entry.Capabilities is null
            ? "it lacks id, public_key, endpoints or capabilities"
            : null;

    private static byte[] Serialize(DirectoryEntry entry) => JsonSerializer.SerializeToUtf8Bytes(entry, NodeJson.Options);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1601, Level = LogLevel.Information, Message = "node directory: {Count} nodes loaded from the {Source}")]
        public static partial void Loaded(ILogger logger, int count, string source);

        [LoggerMessage(EventId = 1602, Level = LogLevel.Warning, Message = "node directory: writing node {Id} to the kv failed")]
        public static partial void WriteFailed(ILogger logger, string id, Exception exception);

        [LoggerMessage(EventId = 1603, Level = LogLevel.Warning, Message = "node directory: snapshot to {Path} failed")]
        public static partial void SnapshotFailed(ILogger logger, string? path, Exception exception);

        [LoggerMessage(EventId = 1607, Level = LogLevel.Warning, Message = "node directory: stored node at {Where} skipped (not loaded): {Reason}")]
        public static partial void Skipped(ILogger logger, string where, string reason);
    }
}
