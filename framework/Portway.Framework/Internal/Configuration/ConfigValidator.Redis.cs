using System.Globalization;
using Portway.Configuration;

namespace Portway.Internal.Configuration;

internal sealed partial class ConfigValidator
{
    /// <summary>
    /// <c>runtime.platform.redis</c>: <c>connection</c> is a StackExchange.Redis configuration string (comma-separated
    /// <c>host:port</c> endpoints and <c>option=value</c> pairs, at least one endpoint, ports 1..65535);
    /// <c>key_prefix</c> is 1..64 of letters, digits and <c>_ - . :</c>.
    /// </summary>
    private void ValidateRedis(PortwayConfig config)
    {
        var redis = config.Runtime.Platform.Redis;
        if (_map.Has(redis, "connection") && DescribeBadConnection(redis.Connection) is { } problem)
        {
            _diagnostics.Report(_map.At(redis, "connection"), $"connection: {problem}");
        }

        if (_map.Has(redis, "key_prefix") && !IsKeyPrefix(redis.KeyPrefix))
        {
            _diagnostics.Report(_map.At(redis, "key_prefix"),
                $"key_prefix: expected 1 to 64 letters, digits or '_', '-', '.', ':' (e.g. portway or shop-eu), got '{redis.KeyPrefix}'");
        }
    }

    /// <summary>What is wrong with a StackExchange.Redis configuration string, or null when it has the right shape.</summary>
    internal static string? DescribeBadConnection(string connection)
    {
        const string Expected = "expected a StackExchange.Redis configuration string such as 127.0.0.1:6379 or redis1:6379,password=...,ssl=true";
        if (string.IsNullOrWhiteSpace(connection)) return $"{Expected}, got an empty value";
        var endpoints = 0;
        foreach (var raw in connection.Split(','))
        {
            var part = raw.Trim();
            if (part.Length == 0) continue;
            if (part.Contains('=', StringComparison.Ordinal))
            {
                if (part.StartsWith('=')) return $"{Expected}; '{part}' has no option name";
                continue;
            }

            if (part.Any(char.IsWhiteSpace)) return $"{Expected}; endpoint '{part}' contains a space";
            var colon = part.LastIndexOf(':');
            var bracketed = part.StartsWith('[');
            if (colon > 0 && (!bracketed || part[colon - 1] == ']') && (bracketed || part.IndexOf(':') == colon))
            {
                var port = part[(colon + 1)..];
                if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
                {
                    return $"{Expected}; endpoint '{part}' has port '{port}', expected 1..65535";
                }
            }

            endpoints++;
        }

        return endpoints == 0 ? $"{Expected}; it names no host:port endpoint" : null;
    }

    private static bool IsKeyPrefix(string prefix) =>
        prefix.Length is >= 1 and <= 64 && prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':');
}
