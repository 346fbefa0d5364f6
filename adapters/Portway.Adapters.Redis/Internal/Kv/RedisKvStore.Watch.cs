using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Portway.Kv;
using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal.Kv;

internal sealed partial class RedisKvStore
{
    /// <summary>How many log entries one read takes.</summary>
    private const int ReadBatch = 256;

    /// <summary>How long a watch waits for a lost connection to come back before it ends with <c>unavailable</c>.</summary>
    private static readonly TimeSpan ReconnectWait = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly HashSet<Channel<bool>> _pulses = [];

    public async IAsyncEnumerable<KvChange> WatchAsync(KvSelector selector, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var db = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var reconnects = Volatile.Read(ref _reconnects);
        var server = await DataEpochAsync(db).ConfigureAwait(false);
        var (position, current) = await SnapshotAsync(db, selector).ConfigureAwait(false);
        var pulse = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        lock (_gate) _pulses.Add(pulse);
        try
        {
            var seen = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var change in current.Values)
            {
                seen[change.Key] = change.Version;
                yield return change;
            }

            await SubscribeAsync().ConfigureAwait(false);
            while (true)
            {
                // After a reconnect: a Redis restarted without its data (another epoch) lost the log and the values this watch saw, and
                // its versions start again at 1. The watch takes a new snapshot and reports the difference instead.
                if (Volatile.Read(ref _reconnects) != reconnects && _connection.IsConnected)
                {
                    reconnects = Volatile.Read(ref _reconnects);
                    var now = await DataEpochAsync(db).ConfigureAwait(false);
                    if (now is not null && now != server)
                    {
                        server = now;
                        KvLogRestarted();
                        (position, current) = await SnapshotAsync(db, selector).ConfigureAwait(false);
                        foreach (var change in Resync(seen, current)) yield return change;
                        continue;
                    }
                }

                var (entries, failure) = await ReadAfterAsync(db, position, cancellationToken).ConfigureAwait(false);
                if (failure is not null)
                {
                    if (!await WaitForConnectionAsync(pulse, cancellationToken).ConfigureAwait(false)) throw failure;
                    continue;
                }

                foreach (var entry in entries)
                {
                    position = entry.Id;
                    if (ToChange(entry, selector, seen) is { } change) yield return change;
                }

                if (entries.Length == ReadBatch) continue;
                await pulse.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            lock (_gate) _pulses.Remove(pulse);
        }
    }

    private RedisValue[] SnapshotArguments(KvSelector selector) =>
        selector.Prefix is { } prefix
            ? ["p", _hashPrefix, Glob(_hashPrefix + prefix) + "*"]
            : ["k", _hashPrefix, "", .. selector.Keys.Select(k => (RedisValue)k)];

    /// <summary>The log entries after <paramref name="position"/>; a failure instead when Redis is unreachable or the log lost entries not read yet.</summary>
    private async Task<(StreamEntry[] Entries, PortwayException? Failure)> ReadAfterAsync(IDatabase db, RedisValue position, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var entries = await db.StreamRangeAsync(_log, "(" + position, "+", ReadBatch).ConfigureAwait(false);
            if (await TrimmedPastAsync(db, position).ConfigureAwait(false))
            {
                throw new PortwayException(ErrorCode.Unavailable, $"kv watch ended: the reader fell more than about {LogLength} changes behind the change log");
            }

            return (entries, null);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            return ([], Unavailable(ex));
        }
    }

    /// <summary>True when the log has dropped an entry newer than <paramref name="position"/> (XINFO STREAM's max-deleted-entry-id, Redis 7).</summary>
    private async Task<bool> TrimmedPastAsync(IDatabase db, RedisValue position)
    {
        RedisResult[] info;
        try
        {
            info = (RedisResult[])(await db.ExecuteAsync("XINFO", "STREAM", _log).ConfigureAwait(false))!;
        }
        catch (RedisServerException ex) when (ex.Message.Contains("no such key", StringComparison.Ordinal))
        {
            return false; // no change logged yet
        }

        for (var i = 0; i + 1 < info.Length; i += 2)
        {
            if ((string?)info[i] == "max-deleted-entry-id")
            {
                return CompareIds((string)info[i + 1]!, (string)position!) > 0;
            }
        }

        return false;
    }

    private static int CompareIds(string a, string b)
    {
        static (ulong Ms, ulong Seq) Parse(string id)
        {
            var dash = id.IndexOf('-', StringComparison.Ordinal);
            return dash < 0 ? (ulong.Parse(id, System.Globalization.CultureInfo.InvariantCulture), 0)
                : (ulong.Parse(id[..dash], System.Globalization.CultureInfo.InvariantCulture), ulong.Parse(id[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }

        return Parse(a).CompareTo(Parse(b));
    }

    /// <summary>
    /// The change a log entry means to this watch, or null: another key, or one it has already seen (a write the
    /// current values included, or a deletion of a key it never saw).
    /// </summary>
    private static KvChange? ToChange(StreamEntry entry, KvSelector selector, Dictionary<string, long> seen)
    {
        var key = (string?)entry["k"];
        if (key is null || !selector.Matches(key)) return null;
        var version = (long)entry["r"];
        if ((string?)entry["t"] == "d")
        {
            return seen.Remove(key) ? new KvChange(key, KvChangeKind.Deleted, ReadOnlyMemory<byte>.Empty, version) : null;
        }

        if (seen.TryGetValue(key, out var known) && version <= known) return null;
        seen[key] = version;
        return new KvChange(key, KvChangeKind.Set, (byte[])entry["v"]! ?? [], version);
    }

    /// <summary>Waits for the connection to come back (a pulse on restore); false when it does not within <see cref="ReconnectWait"/>.</summary>
    private async Task<bool> WaitForConnectionAsync(Channel<bool> pulse, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(ReconnectWait);
        try
        {
            while (!_connection.IsConnected) await pulse.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Wakes every watch (a change was logged, or the connection came back).</summary>
    private void PulseAll()
    {
        lock (_gate)
        {
            foreach (var pulse in _pulses) pulse.Writer.TryWrite(true);
        }
    }
}
