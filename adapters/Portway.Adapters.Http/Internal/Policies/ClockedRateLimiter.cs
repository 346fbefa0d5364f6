using System.Threading.RateLimiting;

namespace Portway.Adapters.Http.Internal.Policies;

/// <summary>
/// A <see cref="RateLimiter"/> of the fixed window, sliding window or token bucket kind whose time comes from a
/// <see cref="TimeProvider"/>. The framework's own limiters read <c>Stopwatch</c> directly (dotnet/runtime#106447),
/// so a test could not move their clock; these compute their state lazily from the provider at each acquire
/// (no timer), and refuse with the exact time until the next permit as <see cref="MetadataName.RetryAfter"/>.
/// No queueing: a request over the limit is refused at once (the ingress answers 429).
/// </summary>
internal sealed class ClockedRateLimiter : RateLimiter
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly string _kind;
    private readonly int _permit;
    private readonly long _window;
    private readonly int _segments;
    private readonly int _tokensPerPeriod;
    private readonly long _idleAfter;

    // fixed: window start and count; sliding: per-segment counts (ring) and the current segment's start;
    // token bucket: tokens and the last refill instant. Times are TimeProvider timestamps converted to ticks.
    private long _start;
    private int _count;
    private readonly int[] _ring;
    private int _head;
    private double _tokens;
    private long _lastAcquire;

    public ClockedRateLimiter(TimeProvider time, string kind, int permit, TimeSpan window, int segments, int tokensPerPeriod)
    {
        _time = time;
        _kind = kind;
        _permit = permit;
        _window = window.Ticks;
        _segments = Math.Max(1, segments);
        _tokensPerPeriod = tokensPerPeriod;
        _ring = new int[kind == "sliding" ? _segments : 0];
        _start = Now();
        _lastAcquire = _start;
        _tokens = permit;

        // Back to its initial state this long after the last grant: then the partition may be dropped.
        _idleAfter = kind == "token_bucket" ? _window * (long)Math.Ceiling((double)permit / Math.Max(1, tokensPerPeriod)) : _window;
    }

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                var now = Now();
                var idleFor = now - _lastAcquire;
                return idleFor > _idleAfter ? TimeSpan.FromTicks(idleFor - _idleAfter) : null;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_lock)
        {
            var now = Now();
            return _kind switch
            {
                "sliding" => Sliding(now, permitCount),
                "token_bucket" => Bucket(now, permitCount),
                _ => Fixed(now, permitCount),
            };
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private ClockedLease Fixed(long now, int permits)
    {
        if (now - _start >= _window)
        {
            _start += (now - _start) / _window * _window;
            _count = 0;
        }

        if (_count + permits <= _permit)
        {
            _count += permits;
            _lastAcquire = now;
            return ClockedLease.Granted;
        }

        return new ClockedLease(false, TimeSpan.FromTicks(_start + _window - now));
    }

    private ClockedLease Sliding(long now, int permits)
    {
        var segment = _window / _segments;
        var elapsed = (now - _start) / segment;
        for (var i = 0; i < Math.Min(elapsed, _segments); i++)
        {
            _head = (_head + 1) % _segments;
            _ring[_head] = 0;
        }

        _start += elapsed * segment;
        var used = _ring.Sum();
        if (used + permits <= _permit)
        {
            _ring[_head] += permits;
            _lastAcquire = now;
            return ClockedLease.Granted;
        }

        // The oldest segments leave the window one by one; wait until enough of them have.
        var free = _permit - used;
        var wait = 0L;
        for (var i = 1; i <= _segments && free < permits; i++)
        {
            free += _ring[(_head + i) % _segments];
            wait = _start + (i * segment) - now;
        }

        return new ClockedLease(false, TimeSpan.FromTicks(Math.Max(wait, 1)));
    }

    private ClockedLease Bucket(long now, int permits)
    {
        var periods = (now - _start) / _window;
        if (periods > 0)
        {
            _tokens = Math.Min(_permit, _tokens + (periods * _tokensPerPeriod));
            _start += periods * _window;
        }

        if (_tokens >= permits)
        {
            _tokens -= permits;
            _lastAcquire = now;
            return ClockedLease.Granted;
        }

        var needed = (int)Math.Ceiling((permits - _tokens) / _tokensPerPeriod);
        return new ClockedLease(false, TimeSpan.FromTicks(_start + (needed * _window) - now));
    }

    private long Now() => _time.GetUtcNow().UtcTicks;
}
