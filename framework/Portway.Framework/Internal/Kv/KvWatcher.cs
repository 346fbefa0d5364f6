using System.Threading.Channels;
using Portway.Kv;

namespace Portway.Internal.Kv;

/// <summary>
/// One watch's queue of changes, bounded: a writer that finds it full ends it (the reader then sees the error)
/// instead of waiting or buffering more. Shared by the kv backends.
/// </summary>
internal sealed class KvWatcher
{
    private readonly Channel<KvChange> _changes;

    public KvWatcher(KvSelector selector, int capacity)
    {
        Selector = selector;
        _changes = Channel.CreateBounded<KvChange>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public KvSelector Selector { get; }

    /// <summary>Queues a change; false when the queue is full (or ended).</summary>
    public bool TryWrite(KvChange change) => _changes.Writer.TryWrite(change);

    /// <summary>Ends the watch: the reader gets what was queued, then <paramref name="error"/>.</summary>
    public void End(Exception? error) => _changes.Writer.TryComplete(error);

    /// <summary>The queued changes, in order; throws the error the watch was ended with.</summary>
    public IAsyncEnumerable<KvChange> ReadAllAsync(CancellationToken cancellationToken) => _changes.Reader.ReadAllAsync(cancellationToken);
}
