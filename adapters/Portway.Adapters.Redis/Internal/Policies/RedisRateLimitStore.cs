using Portway.Configuration;
using Portway.Policies;
using StackExchange.Redis;

namespace Portway.Adapters.Redis.Internal.Policies;

/// <summary>
/// The rate limits every host shares (<see cref="IRateLimitStore"/>), one Lua script per decision on the shared
/// connection, keys <c>{key_prefix}:rl:{kind}:{key}</c>. A fixed window is aligned on the clock (window number =
/// Unix time / window), a sliding window counts <c>segments</c> per window, a token bucket keeps its tokens and last
/// refill. A failed command throws (the caller counts on its own host then, see <see cref="IsAvailable"/>).
/// </summary>
internal sealed class RedisRateLimitStore : IRateLimitStore
{
    private readonly RedisConnection _connection;

    public RedisRateLimitStore(RedisConnection connection) => _connection = connection;

    public bool IsAvailable => _connection.IsConnected;

    public RateLimitDecision TryAcquire(string key, RateLimitConfig limit, DateTimeOffset now)
    {
        var db = _connection.DatabaseIfConnected ?? throw new InvalidOperationException("redis is not connected");
        var (script, keys, args) = Command(key, limit, now);
        return Decide(limit, now, (long)db.ScriptEvaluate(script, keys, args));
    }

    public async ValueTask<RateLimitDecision> TryAcquireAsync(string key, RateLimitConfig limit, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var db = _connection.DatabaseIfConnected ?? await _connection.DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var (script, keys, args) = Command(key, limit, now);
        return Decide(limit, now, (long)await db.ScriptEvaluateAsync(script, keys, args).ConfigureAwait(false));
    }

    private (string Script, RedisKey[] Keys, RedisValue[] Args) Command(string key, RateLimitConfig limit, DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var windowMs = limit.WindowS * 1000L;
        var redisKey = _connection.Key($"rl:{limit.Kind}:{key}");
        switch (limit.Kind)
        {
            case "sliding":
                var segmentMs = Math.Max(1, windowMs / Math.Max(1, limit.Segments));
                return (RedisPolicyScripts.Sliding, [redisKey], [limit.Permit, nowMs / segmentMs, limit.Segments, windowMs + segmentMs]);
            case "token_bucket":
                var refills = (long)Math.Ceiling((double)limit.Permit / Math.Max(1, limit.EffectiveTokensPerPeriod));
                return (RedisPolicyScripts.TokenBucket, [redisKey], [limit.Permit, limit.EffectiveTokensPerPeriod, windowMs, nowMs, windowMs * (refills + 1)]);
            default:
                var window = nowMs / windowMs;
                return (RedisPolicyScripts.Fixed, [redisKey.Append(":" + window.ToString(System.Globalization.CultureInfo.InvariantCulture))], [limit.Permit, windowMs + 1000]);
        }
    }

    /// <summary>The script's answer as a decision; a refusal carries the time until a permit frees up.</summary>
    private static RateLimitDecision Decide(RateLimitConfig limit, DateTimeOffset now, long answer)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var windowMs = limit.WindowS * 1000L;
        switch (limit.Kind)
        {
            case "sliding":
                if (answer < 0) return RateLimitDecision.Granted;
                var segmentMs = Math.Max(1, windowMs / Math.Max(1, limit.Segments));
                return Refused((answer + limit.Segments) * segmentMs - nowMs);
            case "token_bucket":
                return answer < 0 ? RateLimitDecision.Granted : Refused(answer);
            default:
                return answer == 1 ? RateLimitDecision.Granted : Refused(((nowMs / windowMs) + 1) * windowMs - nowMs);
        }
    }

    private static RateLimitDecision Refused(long retryAfterMs) => new(false, TimeSpan.FromMilliseconds(Math.Max(1, retryAfterMs)));
}
