using Microsoft.Extensions.Logging;
using Portway.Configuration;
using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal;

/// <summary>
/// The one shared Redis connection of a process (registered once by <c>AddPortwayRedis()</c>): a
/// <see cref="ConnectionMultiplexer"/> for every ordinary command of the kv backend and the transport, built from
/// <c>runtime.platform.redis</c> (<c>PORTWAY_REDIS</c> wins). It never gives up: <c>AbortOnConnectFail=false</c>,
/// so a Redis that is down at start or restarts later is reconnected in the background, and
/// <see cref="IsConnected"/> says whether a command can go out now (callers answer <c>unavailable</c> at once
/// instead of queueing behind a dead socket). Blocking commands (XREADGROUP BLOCK) must not run here — a blocked
/// reply stalls every command pipelined behind it on the multiplexer — so <see cref="OpenDedicatedAsync"/> opens a
/// separate connection that its caller owns.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable, IDisposable
{
    private readonly ConfigurationOptions _options;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private Task<ConnectionMultiplexer>? _connecting;
    private ConnectionMultiplexer? _multiplexer;
    private bool _disposed;

    public RedisConnection(PortwayConfig config, ILogger<RedisConnection> logger)
        : this(config.Runtime.Platform.Redis, Environment.GetEnvironmentVariable(RedisConfig.ConnectionVariable), logger)
    {
    }

    internal RedisConnection(RedisConfig config, string? environment, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(config);
        _logger = logger;
        var connection = config.EffectiveConnection(environment);
        var fromEnvironment = !string.IsNullOrWhiteSpace(environment);
        try
        {
            _options = ConfigurationOptions.Parse(connection);
        }
        catch (ArgumentException ex)
        {
            var source = fromEnvironment ? RedisConfig.ConnectionVariable : "runtime.platform.redis.connection";
            throw new InvalidOperationException($"{source}: not a StackExchange.Redis configuration string ({ex.Message})", ex);
        }

        if (_options.EndPoints.Count == 0)
        {
            var source = fromEnvironment ? RedisConfig.ConnectionVariable : "runtime.platform.redis.connection";
            throw new InvalidOperationException($"{source}: names no host:port endpoint (e.g. 127.0.0.1:6379)");
        }

        _options.AbortOnConnectFail = false;
        // While Redis is unreachable a command fails at once (callers answer unavailable) instead of queueing.
        _options.BacklogPolicy = BacklogPolicy.FailFast;
        _options.ClientName ??= "portway";
        // StackExchange.Redis refuses CLIENT commands without it (a client-side guard; the multiplexers are this adapter's
        // own, no user code sends through them): a stopping worker releases its blocked read with CLIENT UNBLOCK.
        _options.AllowAdmin = true;
        KeyPrefix = config.KeyPrefix;
        Description = RedisConfig.Redacted(connection);
    }

    /// <summary><c>key_prefix</c>: every key and stream name of this deployment starts with it and a colon.</summary>
    public string KeyPrefix { get; }

    /// <summary>The connection string in effect, password redacted (for logs and errors).</summary>
    public string Description { get; }

    /// <summary>Whether the shared connection is up now (false before the first connect and while Redis is unreachable).</summary>
    public bool IsConnected => Volatile.Read(ref _multiplexer) is { IsConnected: true };

    /// <summary>Whether the shared connection has been made (connected or not since).</summary>
    public bool IsStarted => Volatile.Read(ref _multiplexer) is not null;

    /// <summary>A key of this deployment: <c>{key_prefix}:{name}</c>.</summary>
    public RedisKey Key(string name) => $"{KeyPrefix}:{name}";

    /// <summary>
    /// The shared multiplexer, connecting on first use. It does not wait for an unreachable Redis (it keeps reconnecting
    /// in the background, and commands queue until then), so check <see cref="IsConnected"/> to fail fast instead.
    /// </summary>
    public Task<ConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken = default)
    {
        Task<ConnectionMultiplexer> connecting;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            connecting = _connecting ??= ConnectSharedAsync();
        }

        return connecting.WaitAsync(cancellationToken);
    }

    /// <summary>The shared database, connecting on first use.</summary>
    public async Task<IDatabase> DatabaseAsync(CancellationToken cancellationToken = default) =>
        (await ConnectAsync(cancellationToken).ConfigureAwait(false)).GetDatabase();

    /// <summary>The shared database when the connection has been made, else null (no waiting; for hot paths).</summary>
    public IDatabase? DatabaseIfConnected => Volatile.Read(ref _multiplexer)?.GetDatabase();

    /// <summary>
    /// A separate connection, owned (and disposed) by the caller, for blocking commands such as XREADGROUP BLOCK:
    /// its sync/async timeouts are raised to <paramref name="longestBlock"/> plus the configured timeout so a read
    /// that blocks on the server is not mistaken for a dead connection.
    /// </summary>
    public async Task<ConnectionMultiplexer> OpenDedicatedAsync(string purpose, TimeSpan longestBlock, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var options = _options.Clone();
        // Blocking reads are sent raw (ExecuteAsync) and parsed as RESP2 arrays.
        options.Protocol = RedisProtocol.Resp2;
        options.ClientName = $"{_options.ClientName}-{purpose}";
        var extra = (int)Math.Ceiling(longestBlock.TotalMilliseconds);
        options.SyncTimeout = Math.Max(options.SyncTimeout, 0) + extra;
        options.AsyncTimeout = Math.Max(options.AsyncTimeout, 0) + extra;
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(cancellationToken).ConfigureAwait(false);
        RedisLog.DedicatedConnectionOpened(_logger, purpose);
        return multiplexer;
    }

    private async Task<ConnectionMultiplexer> ConnectSharedAsync()
    {
        RedisLog.Connecting(_logger, Description, KeyPrefix);
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(_options.Clone()).ConfigureAwait(false);
        multiplexer.ConnectionFailed += (_, e) => RedisLog.ConnectionFailed(_logger, e.EndPoint?.ToString() ?? "?", e.FailureType.ToString(), e.Exception);
        multiplexer.ConnectionRestored += (_, e) => RedisLog.ConnectionRestored(_logger, e.EndPoint?.ToString() ?? "?");
        lock (_gate)
        {
            if (_disposed)
            {
                multiplexer.Dispose();
                throw new ObjectDisposedException(nameof(RedisConnection));
            }

            Volatile.Write(ref _multiplexer, multiplexer);
        }

        return multiplexer;
    }

    public async ValueTask DisposeAsync()
    {
        ConnectionMultiplexer? multiplexer;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            multiplexer = _multiplexer;
        }

        if (multiplexer is not null) await multiplexer.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        ConnectionMultiplexer? multiplexer;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            multiplexer = _multiplexer;
        }

        multiplexer?.Dispose();
    }
}
