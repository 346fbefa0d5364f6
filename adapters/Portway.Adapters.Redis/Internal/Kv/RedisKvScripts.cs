namespace Portway.Adapters.Redis.Internal.Kv;

/// <summary>
/// The Lua scripts of the Redis kv backend. Every write is one script, so it is atomic against every other write:
/// it takes a version from one counter (<c>INCR</c>), writes the key's hash (<c>val</c>, <c>ver</c>), records the
/// change in the change log (a stream, trimmed with <c>MAXLEN ~</c>) and publishes the log entry's id, which wakes
/// the watchers. KEYS: 1 the key's hash, 2 the version counter, 3 the change log, 4 the expiry set.
/// </summary>
internal static class RedisKvScripts
{
    /// <summary>Writes ARGV[2] under ARGV[1] with time to live ARGV[3] ms (0: none); ARGV[4] log length, ARGV[5] channel. Returns the version.</summary>
    private const string WriteBody = """
        local r = redis.call('INCR', KEYS[2])
        redis.call('HSET', KEYS[1], 'val', ARGV[2], 'ver', r)
        local ttl = tonumber(ARGV[3])
        if ttl > 0 then
          redis.call('PEXPIRE', KEYS[1], ttl)
          local t = redis.call('TIME')
          redis.call('ZADD', KEYS[4], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + ttl, ARGV[1])
        else
          redis.call('PERSIST', KEYS[1])
          redis.call('ZREM', KEYS[4], ARGV[1])
        end
        local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'k', ARGV[1], 't', 's', 'r', r, 'v', ARGV[2])
        redis.call('PUBLISH', ARGV[5], id)
        """;

    public const string Set = WriteBody + "\nreturn r\n";

    /// <summary>As <see cref="Set"/> when the key's version is ARGV[6] (0: absent). Returns {1, new version} or {0, current version}.</summary>
    public const string CompareAndSet = """
        local cur = redis.call('HGET', KEYS[1], 'ver')
        local c = 0
        if cur then c = tonumber(cur) end
        if c ~= tonumber(ARGV[6]) then return {0, c} end
        """ + "\n" + WriteBody + "\nreturn {1, r}\n";

    /// <summary>Deletes ARGV[1]; ARGV[2] log length, ARGV[3] channel. Returns 1 when it existed.</summary>
    public const string Delete = """
        local cur = redis.call('HGET', KEYS[1], 'ver')
        if not cur then return 0 end
        redis.call('DEL', KEYS[1])
        redis.call('ZREM', KEYS[4], ARGV[1])
        local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', 'k', ARGV[1], 't', 'd', 'r', cur, 'v', '')
        redis.call('PUBLISH', ARGV[3], id)
        return 1
        """;

    /// <summary>
    /// Records the expiry of every key whose time has come (ARGV[1] log length, ARGV[2] channel, ARGV[3] the hash
    /// key prefix): Redis removed the key itself; this logs the deletion once (the expiry set entry is removed in
    /// the same script, so of several hosts sweeping only one logs it). Returns the ms until the next expiry, or -1.
    /// </summary>
    public const string Sweep = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local due = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, 256)
        for _, k in ipairs(due) do
          redis.call('ZREM', KEYS[4], k)
          local pttl = redis.call('PTTL', ARGV[3] .. k)
          if pttl >= 0 then
            -- still there (0: it expires within this millisecond, Redis expires a key only once now > its time)
            redis.call('ZADD', KEYS[4], now + math.max(pttl, 1), k)
          elseif pttl == -2 then
            local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[1], '*', 'k', k, 't', 'd', 'r', 0, 'v', '')
            redis.call('PUBLISH', ARGV[2], id)
          end
        end
        local nxt = redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')
        if nxt[2] then
          local wait = tonumber(nxt[2]) - now
          if wait < 0 then return 0 end
          return wait
        end
        return -1
        """;

    /// <summary>
    /// A watch's start, at one point in time: the change log's last id, then the current value and version of
    /// every key watched. KEYS[1] the log; ARGV[1] <c>p</c> (prefix: ARGV[3] is the SCAN pattern) or <c>k</c>
    /// (keys: ARGV[4..]); ARGV[2] the hash key prefix. Returns {last id, key, value, version, ...}.
    /// </summary>
    public const string Snapshot = """
        local out = {}
        local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
        if last[1] then out[1] = last[1][1] else out[1] = '0-0' end
        local names = {}
        if ARGV[1] == 'p' then
          local cursor = '0'
          repeat
            local page = redis.call('SCAN', cursor, 'MATCH', ARGV[3], 'COUNT', 1000)
            cursor = page[1]
            for _, n in ipairs(page[2]) do names[#names + 1] = n end
          until cursor == '0'
        else
          for i = 4, #ARGV do names[#names + 1] = ARGV[2] .. ARGV[i] end
        end
        for _, n in ipairs(names) do
          local f = redis.call('HMGET', n, 'val', 'ver')
          if f[2] then
            out[#out + 1] = string.sub(n, #ARGV[2] + 1)
            out[#out + 1] = f[1]
            out[#out + 1] = f[2]
          end
        end
        return out
        """;
}
