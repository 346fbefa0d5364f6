namespace Portway.Internal.Security;

/// <summary>
/// Remembers the nonces of accepted envelopes, at most <c>capacity</c> of them, and keeps the replay guard whole at
/// any rate: when the oldest nonce has to be forgotten, its <c>ts</c> becomes the <see cref="Watermark"/>, and an
/// envelope stamped at or before the watermark is refused (its nonce may be one forgotten). So every envelope
/// accepted has its nonce remembered for as long as its <c>ts</c> would pass the TTL check; below
/// <c>capacity</c> ÷ TTL envelopes per second the watermark stays behind the TTL and nothing changes, above it the
/// window an envelope may take to arrive shrinks instead of the guard.
/// </summary>
/// <remarks>
/// Fixed size and allocation-free once built: a preallocated set plus a ring of the nonces (and their ts) in arrival
/// order, under one short lock (a set lookup, an insert and at most one removal). <see cref="Count"/> is a field read.
/// </remarks>
internal sealed class ReplayCache
{
    private readonly Lock _lock = new();
    private readonly HashSet<Guid> _seen;
    private readonly (Guid Nonce, long Ts)[] _ring;
    private int _next;
    private int _count;
    private long _watermark = long.MinValue;

    public ReplayCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new (Guid, long)[capacity];
        // One slot over capacity: the new nonce is added before the oldest is removed.
        _seen = new HashSet<Guid>(capacity + 1);
    }

    /// <summary>How many nonces are remembered now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The newest <c>ts</c> among the nonces forgotten (ms since the epoch); envelopes at or before it are refused.</summary>
    public long Watermark
    {
        get
        {
            lock (_lock) return _watermark;
        }
    }

    /// <summary>Records <paramref name="nonce"/> of an envelope stamped <paramref name="ts"/>.</summary>
    /// <returns>
    /// <see cref="ReplayVerdict.Fresh"/> when recorded; <see cref="ReplayVerdict.Replayed"/> when already seen (or not 16 bytes);
    /// <see cref="ReplayVerdict.BeyondMemory"/> when stamped at or before the watermark.
    /// </returns>
    public ReplayVerdict TryAdd(ReadOnlySpan<byte> nonce, long ts)
    {
        if (nonce.Length != EnvelopeCodec.NonceLength)
        {
            return ReplayVerdict.Replayed;
        }

        var key = new Guid(nonce);
        lock (_lock)
        {
            if (ts <= _watermark)
            {
                return ReplayVerdict.BeyondMemory;
            }

            if (!_seen.Add(key))
            {
                return ReplayVerdict.Replayed;
            }

            if (_count == _ring.Length)
            {
                var (oldest, oldestTs) = _ring[_next];
                _seen.Remove(oldest);
                if (oldestTs > _watermark) _watermark = oldestTs;
            }
            else
            {
                _count++;
            }

            _ring[_next] = (key, ts);
            _next = _next + 1 == _ring.Length ? 0 : _next + 1;
            return ReplayVerdict.Fresh;
        }
    }
}
