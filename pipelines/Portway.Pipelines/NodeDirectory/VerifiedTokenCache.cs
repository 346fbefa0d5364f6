namespace Portway.Pipelines.NodeDirectory;

/// <summary>
/// Tokens already verified, least recently used first out, at most <see cref="Capacity"/> of them. An entry is
/// kept until the token's expiry or one hour after it was verified, whichever comes first; an entry past that is
/// a miss (and is dropped). Thread-safe (one lock; every operation is O(1)).
/// </summary>
internal sealed class VerifiedTokenCache(int capacity)
{
    /// <summary>The longest an entry is trusted.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _map = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _order = new();

    /// <summary>The most tokens kept.</summary>
    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    /// <summary>How many tokens are kept now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _map.Count;
            }
        }
    }

    /// <summary>The cached verification of <paramref name="token"/> when it is still trusted at <paramref name="now"/>.</summary>
    public bool TryGet(string token, DateTimeOffset now, out string nodeId, out DateTimeOffset expiresAt)
    {
        lock (_lock)
        {
            if (_map.TryGetValue(token, out var node))
            {
                if (now < node.Value.TrustedUntil)
                {
                    _order.Remove(node);
                    _order.AddFirst(node);
                    (nodeId, expiresAt) = (node.Value.NodeId, node.Value.ExpiresAt);
                    return true;
                }

                _order.Remove(node);
                _map.Remove(token);
            }
        }

        (nodeId, expiresAt) = ("", default);
        return false;
    }

    /// <summary>Remembers that <paramref name="token"/> verified at <paramref name="now"/>.</summary>
    public void Add(string token, string nodeId, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        var trustedUntil = expiresAt < now + MaxAge ? expiresAt : now + MaxAge;
        lock (_lock)
        {
            if (_map.Remove(token, out var existing))
            {
                _order.Remove(existing);
            }

            _map[token] = _order.AddFirst(new Entry(token, nodeId, expiresAt, trustedUntil));
            while (_map.Count > Capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _map.Remove(last.Value.Token);
            }
        }
    }

    private sealed record Entry(string Token, string NodeId, DateTimeOffset ExpiresAt, DateTimeOffset TrustedUntil);
}
