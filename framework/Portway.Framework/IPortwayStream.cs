namespace Portway;

/// <summary>
/// A stream pipeline's answers (see <see cref="IPortwayInvoker.OpenStream"/>): items in order, then
/// <see cref="Result"/>. At most a bounded number of unread items is held; a slow reader slows the pipeline.
/// </summary>
public interface IPortwayStream : IPortwayCall
{
    /// <summary>Waits until an item can be read (true) or the stream has ended (false).</summary>
    ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads the next item (JSON bytes) if one is there.</summary>
    bool TryRead(out ReadOnlyMemory<byte> item);

    /// <summary>How the stream ended (success, the pipeline's error, the deadline, cancelled); valid once <see cref="WaitToReadAsync"/> answered false.</summary>
    PortwayResult Result { get; }
}
