namespace Portway.Adapters.Redis.Internal.Policies;

/// <summary>
/// The Lua scripts of the shared rate limits and response cache: each decision is one script, so it is atomic against
/// every host's. Times come from the caller (its <see cref="TimeProvider"/>, in Unix milliseconds) and are compared
/// only with times the same deployment wrote; every key expires by itself once its window is over.
/// </summary>
internal static class RedisPolicyScripts
{
    /// <summary>Fixed window. KEYS[1] the window's counter; ARGV permit, ttl ms. Returns 1 (granted) or 0.</summary>
    public const string Fixed = """
        local n = tonumber(redis.call('GET', KEYS[1]) or '0')
        if n + 1 > tonumber(ARGV[1]) then return 0 end
        redis.call('INCR', KEYS[1])
        if n == 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 1
        """;

    /// <summary>
    /// Sliding window of segments. KEYS[1] a hash segment index → count; ARGV permit, current segment, segments, ttl ms.
    /// Returns -1 (granted) or the oldest segment still in the window (refused: a permit frees up when it leaves).
    /// </summary>
    public const string Sliding = """
        local permit = tonumber(ARGV[1])
        local cur = tonumber(ARGV[2])
        local segs = tonumber(ARGV[3])
        local all = redis.call('HGETALL', KEYS[1])
        local total = 0
        local oldest = -1
        for i = 1, #all, 2 do
          local seg = tonumber(all[i])
          local c = tonumber(all[i + 1])
          if seg <= cur - segs then
            redis.call('HDEL', KEYS[1], all[i])
          else
            total = total + c
            if oldest < 0 or seg < oldest then oldest = seg end
          end
        end
        if total + 1 > permit then return oldest end
        redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return -1
        """;

    /// <summary>
    /// Token bucket. KEYS[1] a hash {tokens, at}; ARGV capacity, tokens per period, period ms, now ms, ttl ms.
    /// Returns -1 (granted) or the milliseconds until the next refill (refused).
    /// </summary>
    public const string TokenBucket = """
        local cap = tonumber(ARGV[1])
        local per = tonumber(ARGV[2])
        local period = tonumber(ARGV[3])
        local now = tonumber(ARGV[4])
        local v = redis.call('HMGET', KEYS[1], 'tokens', 'at')
        local tokens = tonumber(v[1])
        local at = tonumber(v[2])
        if tokens == nil or at == nil then
          tokens = cap
          at = now
        end
        if now > at then
          local periods = math.floor((now - at) / period)
          if periods > 0 then
            tokens = math.min(cap, tokens + periods * per)
            at = at + periods * period
          end
        end
        local granted = tokens >= 1
        if granted then tokens = tokens - 1 end
        redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', at)
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        if granted then return -1 end
        return at + period - now
        """;

    /// <summary>Stores an answer. KEYS[1] the entry, KEYS[2..] its tag sets; ARGV value, ttl ms. Each tag set lives as long as its longest entry.</summary>
    public const string CacheSet = """
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        for i = 2, #KEYS do
          redis.call('SADD', KEYS[i], KEYS[1])
          if redis.call('PTTL', KEYS[i]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
        end
        return 1
        """;

    /// <summary>Drops every entry of a tag. KEYS[1] the tag set. Returns how many entries there were.</summary>
    public const string CacheEvict = """
        local members = redis.call('SMEMBERS', KEYS[1])
        for i = 1, #members do redis.call('DEL', members[i]) end
        redis.call('DEL', KEYS[1])
        return #members
        """;
}
