namespace Portway.Configuration;

/// <summary><c>runtime.platform.redis</c>: the one Redis connection every Redis-backed part shares.</summary>
public sealed class RedisConfig
{
    /// <summary>The default <see cref="Connection"/>.</summary>
    public const string DefaultConnection = "127.0.0.1:6379";

    /// <summary>The environment variable that, when set, replaces <see cref="Connection"/>.</summary>
    public const string ConnectionVariable = "PORTWAY_REDIS";

    /// <summary>
    /// <c>connection</c>: a StackExchange.Redis configuration string (<c>host:port[,option=value...]</c>).
    /// Defaults to <c>127.0.0.1:6379</c>; the <c>PORTWAY_REDIS</c> environment variable, when set, wins.
    /// </summary>
    public string Connection { get; set; } = DefaultConnection;

    /// <summary>
    /// <c>key_prefix</c>: put before every Redis key and stream name this deployment uses, so several deployments
    /// share one Redis. Letters, digits and <c>_ - . :</c>. Defaults to <c>portway</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "portway";

    /// <summary>
    /// <c>claim_idle_ms</c>: a hop a worker took but has not acknowledged for this long (the worker died mid-hop) is
    /// claimed by a live worker of its group (<c>XAUTOCLAIM</c>) and run again. Defaults to 5000.
    /// </summary>
    public int ClaimIdleMs { get; set; } = 5000;

    /// <summary>
    /// <c>stream_max_length</c>: each hop and reply stream is trimmed to about this many entries (<c>MAXLEN ~</c>), so
    /// Redis memory stays bounded. Size it above the largest backlog of hops a group may have waiting. Defaults to 10000.
    /// </summary>
    public int StreamMaxLength { get; set; } = 10_000;

    /// <summary>The connection string in effect: <paramref name="environment"/> (<c>PORTWAY_REDIS</c>) when set and not blank, else <see cref="Connection"/>.</summary>
    public string EffectiveConnection(string? environment) =>
        string.IsNullOrWhiteSpace(environment) ? Connection : environment.Trim();

    /// <summary><paramref name="connection"/> with the value of every <c>password=</c> option replaced by <c>(set)</c>, for logs and summaries.</summary>
    public static string Redacted(string connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var parts = connection.Split(',');
        for (var i = 0; i < parts.Length; i++)
        {
            var eq = parts[i].IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && parts[i][..eq].Trim().Equals("password", StringComparison.OrdinalIgnoreCase)) parts[i] = parts[i][..(eq + 1)] + "(set)";
        }

        return string.Join(',', parts);
    }
}
