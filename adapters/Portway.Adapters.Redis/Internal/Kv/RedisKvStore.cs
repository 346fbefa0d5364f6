using Microsoft.Extensions.Logging;
using Portway.Kv;
using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal.Kv;

/// <summary>
/// The <c>redis</c> kv backend (<c>runtime.platform.kv.backend: redis</c>) on the one shared connection. Under
/// <c>{key_prefix:kv}:</c> (braces included: one Redis Cluster hash tag, as each write script spans several of them): one hash per key (<c>v:KEY</c>: value and version), the version counter (<c>rev</c>),
/// the change log (<c>log</c>, a stream every write appends to in the same script, trimmed to about
/// <see cref="LogLength"/> entries), the expiry set (<c>exp</c>) and a channel (<c>ch</c>) that wakes watchers.
/// </summary>
/// <remarks>
/// A watch reads the change log from where it stands (<c>XRANGE</c> after its last id), so it sees every change in
/// log order (per key order included), and after a disconnect it resumes from the same id: nothing is lost while
/// the log still holds it. Redis removes an expired key by itself; a timer on the earliest expiry (woken by every
/// change) runs the sweep script that logs the deletion, once, whichever host runs it.
/// </remarks>
internal sealed partial class RedisKvStore : IKvStore, IAsyncDisposable
{
    /// <summary>About how many changes the log keeps (<c>MAXLEN ~</c>): a watcher further behind is ended.</summary>
    public const int LogLength = 100_000;

    private readonly RedisConnection _connection;
    private readonly ILogger _logger;
    private readonly RedisKey _rev;
    private readonly RedisKey _log;
    private readonly RedisKey _exp;
    private readonly RedisChannel _channel;
    private readonly string _hashPrefix;

    public RedisKvStore(RedisConnection connection, ILogger<RedisKvStore> logger)
    {
        _connection = connection;
        _logger = logger;
        var root = Root(connection.KeyPrefix);
        _hashPrefix = root + "v:";
        _rev = root + "rev";
        _log = root + "log";
        _exp = root + "exp";
        _channel = RedisChannel.Literal(root + "ch");
    }

    /// <summary>
    /// The start of every key of the store of deployment <paramref name="prefix"/> (<c>{prefix:kv}:</c>): one hash tag,
    /// as each write script spans the key's hash (<c>v:KEY</c>), the counter (<c>rev</c>), the log and the expiry set.
    /// </summary>
    internal static string Root(string prefix) => RedisHashTags.Area(prefix, "kv") + ":";

    public async ValueTask<KvEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        KvKeys.Require(key);
        var db = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var fields = await Run(db.HashGetAsync(Hash(key), [(RedisValue)"val", (RedisValue)"ver"])).ConfigureAwait(false);
        return fields[1].IsNull ? null : new KvEntry(key, (byte[])fields[0]! ?? [], (long)fields[1]);
    }

    public async ValueTask<long> SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        KvKeys.Require(key);
        var ttl = TtlMs(timeToLive);
        var db = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var result = await Run(db.ScriptEvaluateAsync(RedisKvScripts.Set, Keys(key), [key, value, ttl, LogLength, _channel.ToString()])).ConfigureAwait(false);
        if (ttl > 0) WakeSweeper();
        return (long)result;
    }

    public async ValueTask<KvCasResult> CompareAndSetAsync(string key, long expectedVersion, ReadOnlyMemory<byte> value, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        KvKeys.Require(key);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var ttl = TtlMs(timeToLive);
        var db = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var result = (RedisResult[])(await Run(db.ScriptEvaluateAsync(RedisKvScripts.CompareAndSet, Keys(key),
            [key, value, ttl, LogLength, _channel.ToString(), expectedVersion])).ConfigureAwait(false))!;
        var succeeded = (long)result[0] == 1;
        if (succeeded && ttl > 0) WakeSweeper();
        return new KvCasResult(succeeded, (long)result[1]);
    }

    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        KvKeys.Require(key);
        var db = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        return (long)await Run(db.ScriptEvaluateAsync(RedisKvScripts.Delete, Keys(key), [key, LogLength, _channel.ToString()])).ConfigureAwait(false) == 1;
    }

    public async ValueTask<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var db = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<string>();
        var pattern = Glob(_hashPrefix + prefix) + "*";
        long cursor = 0;
        do
        {
            // SCAN on the shared connection, page by page (never KEYS: it blocks the server).
            var page = (RedisResult[])(await Run(db.ExecuteAsync("SCAN", cursor, "MATCH", pattern, "COUNT", 1000)).ConfigureAwait(false))!;
            cursor = long.Parse((string)page[0]!, System.Globalization.CultureInfo.InvariantCulture);
            foreach (var found in (RedisResult[])page[1]!)
            {
                var name = (string)found!;
                if (name.StartsWith(_hashPrefix, StringComparison.Ordinal)) keys.Add(name[_hashPrefix.Length..]);
            }
        }
        while (cursor != 0);

        return keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    private RedisKey Hash(string key) => _hashPrefix + key;

    private RedisKey[] Keys(string key) => [Hash(key), _rev, _log, _exp];

    private static long TtlMs(TimeSpan? timeToLive)
    {
        if (timeToLive is not { } ttl) return 0;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero, nameof(timeToLive));
        return Math.Max(1, (long)Math.Ceiling(ttl.TotalMilliseconds));
    }

    /// <summary>A Redis glob that matches <paramref name="literal"/> as is.</summary>
    private static string Glob(string literal)
    {
        var escaped = new System.Text.StringBuilder(literal.Length + 8);
        foreach (var c in literal)
        {
            if (c is '*' or '?' or '[' or ']' or '\\') escaped.Append('\\');
            escaped.Append(c);
        }

        return escaped.ToString();
    }

    /// <summary>The database; a Redis that cannot be reached answers <see cref="ErrorCode.Unavailable"/> at once.</summary>
    private async ValueTask<IDatabase> DatabaseAsync(CancellationToken cancellationToken)
    {
        // Connected: no await, so a watch's first read goes out before the caller's next command.
        var db = _connection.DatabaseIfConnected ?? await _connection.DatabaseAsync(cancellationToken).ConfigureAwait(false);
        if (!_connection.IsConnected) throw Unavailable(null);
        EnsureBackground();
        return db;
    }

    /// <summary>Awaits a command; a connection failure or timeout is <see cref="ErrorCode.Unavailable"/>.</summary>
    private static async Task<T> Run<T>(Task<T> command)
    {
        try
        {
            return await command.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            throw Unavailable(ex);
        }
    }

    private static PortwayException Unavailable(Exception? cause) =>
        new(ErrorCode.Unavailable, "the kv store (redis) is unreachable" + (cause is null ? "" : ": " + cause.Message));
}
