namespace Portway.Internal.Security;

/// <summary>
/// Remembers the nonces of recently accepted envelopes, at most <c>capacity</c> of them; the oldest are
/// forgotten first. An envelope older than the TTL is refused by its <c>ts</c>, so a nonce only has to
/// be remembered for the TTL: a capacity above the peak rate × TTL closes the replay window.
/// </summary>
/// <remarks>
/// Fixed size and allocation-free once built: a preallocated set plus a ring of the nonces in arrival order,
/// under one short lock (a set lookup, an insert and at most one removal). <see cref="Count"/> is a field read.
/// </remarks>
internal sealed class ReplayCache
{
    private readonly Lock _lock = new();
    private readonly HashSet<Guid> _seen;
    private readonly Guid[] _ring;
    private int _next;
    private int _count;

    public ReplayCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new Guid[capacity];
        // One slot over capacity: the new nonce is added before the oldest is removed.
        _seen = new HashSet<Guid>(capacity + 1);
    }

    /// <summary>How many nonces are remembered now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Records <paramref name="nonce"/>; false when it was already seen (or is not 16 bytes).</summary>
    public bool TryAdd(ReadOnlySpan<byte> nonce)
    {
        if (nonce.Length != EnvelopeCodec.NonceLength)
        {
            return false;
        }

        var key = new Guid(nonce);
        lock (_lock)
        {
            if (!_seen.Add(key))
            {
                return false;
            }

            if (_count == _ring.Length)
            {
                _seen.Remove(_ring[_next]);
            }
            else
            {
                _count++;
            }

            _ring[_next] = key;
            _next = _next + 1 == _ring.Length ? 0 : _next + 1;
            return true;
        }
    }
}
