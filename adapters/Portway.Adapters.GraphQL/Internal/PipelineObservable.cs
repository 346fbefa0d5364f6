using System.Text.Json;
using Portway.Internal.Correlation;
using Portway.Internal.Routing;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>
/// A stream pipeline as an <see cref="IObservable{T}"/> of JSON items, for graphql-dotnet's subscription execution.
/// Subscribing opens a <see cref="StreamWaiter"/> (one pending waiter); a pump hands each item on, then completes,
/// or fails with the stream's taxonomy error. Disposing the subscription cancels the stream: the pipeline stops
/// and the waiter is removed; nothing more is signalled.
/// </summary>
internal sealed class PipelineObservable(
    Envelope request,
    TimeSpan itemTimeout,
    StreamDispatcher streams,
    Func<CancellationToken, ValueTask>? waitForSendRoom,
    CancellationToken callerAborted) : IObservable<object?>
{
    public IDisposable Subscribe(IObserver<object?> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var waiter = streams.Open(request, itemTimeout, callerAborted, PipelineFieldResolver.InterfaceName);
        var subscription = new Subscription(waiter);
        _ = PumpAsync(waiter, observer, subscription);
        return subscription;
    }

    private async Task PumpAsync(StreamWaiter waiter, IObserver<object?> observer, Subscription subscription)
    {
        try
        {
            while (await waiter.Items.WaitToReadAsync().ConfigureAwait(false))
            {
                if (waitForSendRoom is not null)
                {
                    await waitForSendRoom(subscription.Token).ConfigureAwait(false);
                }

                while (!subscription.IsDisposed && waiter.Items.TryRead(out var item))
                {
                    observer.OnNext(Parse(item));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Unsubscribed while waiting for room: nothing more is signalled.
        }

        if (subscription.IsDisposed)
        {
            return;
        }

        var result = waiter.Result;
        if (result.End == WaiterEnd.Answered && result.Error is null)
        {
            observer.OnCompleted();
        }
        else
        {
            observer.OnError(new PortwayFieldError(result.Error ?? new PortwayError(ErrorCode.Unavailable, "the stream ended")));
        }
    }

    private static object? Parse(Envelope item)
    {
        try
        {
            return JsonSerializer.Deserialize<JsonElement>(item.Payload.Span);
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
        private readonly StreamWaiter _waiter;
        private int _state;

        public Subscription(StreamWaiter waiter)
        {
            _waiter = waiter;
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

            _waiter.Fail(WaiterEnd.CallerCancelled);
            _disposed.Cancel();
            _disposed.Dispose();
        }
    }
}
