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
