using System.Text.Json;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>
/// A stream pipeline as an <see cref="IObservable{T}"/> of JSON items, for graphql-dotnet's subscription execution.
/// Subscribing opens a stream through the public port (one pending call); a pump hands each item on, then completes,
/// or fails with the stream's taxonomy error. Disposing the subscription cancels the stream: the pipeline stops
/// and the waiter is removed; nothing more is signalled.
/// </summary>
internal sealed class PipelineObservable(
    PortwayRequest request,
    IPortwayInvoker invoker,
    Func<CancellationToken, ValueTask>? waitForSendRoom,
    CancellationToken callerAborted,
    SubscriptionLease? lease = null) : IObservable<object?>
{
    public IDisposable Subscribe(IObserver<object?> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var waiter = invoker.OpenStream(request, callerAborted);
        var subscription = new Subscription(waiter, lease);
        _ = PumpAsync(waiter, observer, subscription);
        return subscription;
    }

    private async Task PumpAsync(IPortwayStream waiter, IObserver<object?> observer, Subscription subscription)
    {
        try
        {
            while (await waiter.WaitToReadAsync().ConfigureAwait(false))
            {
                if (waitForSendRoom is not null)
                {
                    await waitForSendRoom(subscription.Token).ConfigureAwait(false);
                }

                while (!subscription.IsDisposed && waiter.TryRead(out var item))
                {
                    observer.OnNext(Parse(item));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Unsubscribed while waiting for room: nothing more is signalled.
        }

        // The stream has ended: its concurrency permit is free again (before the client hears of the end).
        lease?.Release();
        if (subscription.IsDisposed)
        {
            return;
        }

        var result = waiter.Result;
        if (result.IsSuccess)
        {
            observer.OnCompleted();
        }
        else
        {
            observer.OnError(new PortwayFieldError(result.Error ?? new PortwayError(ErrorCode.Unavailable, "the stream ended")));
        }
    }

    private static object? Parse(ReadOnlyMemory<byte> item)
    {
        try
        {
            return JsonSerializer.Deserialize<JsonElement>(item.Span);
        }
        catch (JsonException)
        {
            // Reported for this event by the field's resolver, which maps the item onto the field's type.
            return null;
        }
    }

    private sealed class Subscription : IDisposable
    {
        private readonly CancellationTokenSource _disposed = new();
        private readonly IPortwayStream _waiter;
        private readonly SubscriptionLease? _lease;
        private int _state;

        public Subscription(IPortwayStream waiter, SubscriptionLease? lease)
        {
            _waiter = waiter;
            _lease = lease;
            Token = _disposed.Token;
        }

        public bool IsDisposed => Volatile.Read(ref _state) != 0;

        /// <summary>Cancelled when the subscription is disposed.</summary>
        public CancellationToken Token { get; }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _state, 1) != 0)
            {
                return;
            }

            _waiter.Cancel();
            _lease?.Release();
            _disposed.Cancel();
            _disposed.Dispose();
        }
    }
}
