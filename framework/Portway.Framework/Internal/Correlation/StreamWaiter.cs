using System.Threading.Channels;

namespace Portway.Internal.Correlation;

/// <summary>
/// A waiter for a stream (the <c>stream</c> port): any number of items, then one end. Items arrive by
/// <c>reply_to</c> like any answer and are read, in order, from <see cref="Items"/>, which completes when the
/// waiter ends; <see cref="Result"/> then says how (a stream end, the pipeline's error, the deadline, the
/// caller going away, shutdown). The deadline runs per item: it restarts at each one.
/// </summary>
/// <remarks>
/// At most <see cref="Capacity"/> unread items are held. The producer waits for room
/// (<see cref="WaitForRoomAsync"/>) before it delivers an item; an item delivered into a full waiter is refused
/// (delivery answers false), so nothing is buffered without bound.
/// </remarks>
internal sealed class StreamWaiter : Waiter, IPortwayStream
{
    /// <summary>How many unread items a stream waiter holds at most.</summary>
    public const int Capacity = 64;

    private readonly Channel<Envelope> _items = Channel.CreateBounded<Envelope>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly TimeSpan _itemTimeout;
    private WaiterResult _result;

    public StreamWaiter(TimeSpan itemTimeout, TimeProvider time)
        : base(itemTimeout, time)
    {
        _itemTimeout = itemTimeout;
    }

    /// <summary>The stream's items (kind <see cref="EnvelopeKind.StreamItem"/>), in order; completes when the waiter ends.</summary>
    public ChannelReader<Envelope> Items => _items.Reader;

    /// <summary>How the stream ended; meaningful once <see cref="Items"/> has completed.</summary>
    public WaiterResult Result => _result;

    PortwayResult IPortwayStream.Result => _result.ToPortwayResult();

    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => _items.Reader.WaitToReadAsync(cancellationToken);

    public bool TryRead(out ReadOnlyMemory<byte> item)
    {
        if (_items.Reader.TryRead(out var envelope))
        {
            item = envelope.Payload;
            return true;
        }

        item = default;
        return false;
    }

    /// <summary>Waits until the waiter can take one more item; false when it has ended.</summary>
    public ValueTask<bool> WaitForRoomAsync(CancellationToken cancellationToken) => _items.Writer.WaitToWriteAsync(cancellationToken);

    protected override bool OnItem(Envelope item)
    {
        if (item.Kind != EnvelopeKind.StreamItem || !_items.Writer.TryWrite(item))
        {
            return false;
        }

        RestartDeadline(_itemTimeout);
        return true;
    }

    protected override void OnEnded(WaiterEnd reason, Envelope? answer)
    {
        _result = new WaiterResult(reason, answer);
        _items.Writer.TryComplete();
    }
}
