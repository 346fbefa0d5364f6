using System.Collections.Concurrent;

namespace Portway.Internal.Security;

/// <summary>
/// Remembers the nonces of recently accepted envelopes, at most <c>capacity</c> of them; the oldest are
/// forgotten first. An envelope older than the TTL is refused by its <c>ts</c>, so a nonce only has to
/// be remembered for the TTL: a capacity above the peak rate × TTL closes the replay window.
/// </summary>
internal sealed class ReplayCache(int capacity)
{
    private readonly ConcurrentDictionary<Guid, byte> _seen = new();
    private readonly ConcurrentQueue<Guid> _order = new();

    public int Count => _seen.Count;

    /// <summary>Records <paramref name="nonce"/>; false when it was already seen.</summary>
    public bool TryAdd(ReadOnlySpan<byte> nonce)
    {
        if (nonce.Length != EnvelopeCodec.NonceLength)
        {
            return false;
        }

        var key = new Guid(nonce);
        if (!_seen.TryAdd(key, 0))
        {
            return false;
        }

        _order.Enqueue(key);
        while (_seen.Count > capacity && _order.TryDequeue(out var oldest))
        {
            _seen.TryRemove(oldest, out _);
        }

        return true;
    }
}
