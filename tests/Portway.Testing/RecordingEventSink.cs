using System.Collections.Concurrent;
using Portway.Observability;

namespace Portway.Testing;

/// <summary>Records boundary events; tests wait for an event with a deadline instead of sleeping.</summary>
public sealed class RecordingEventSink : IBoundaryEventSink
{
    private readonly ConcurrentQueue<BoundaryEvent> _events = new();
    private readonly SemaphoreSlim _signal = new(0);

    public IReadOnlyList<BoundaryEvent> Events => _events.ToArray();

    public void OnEvent(BoundaryEvent boundaryEvent)
    {
        _events.Enqueue(boundaryEvent);
        _signal.Release();
    }

    /// <summary>The events of one request, in order.</summary>
    public IReadOnlyList<BoundaryEvent> For(string requestId) => _events.Where(e => e.RequestId == requestId).ToArray();

    /// <summary>Waits until an event matching <paramref name="match"/> has been recorded, or throws at the deadline.</summary>
    public async Task<BoundaryEvent> WaitForAsync(Func<BoundaryEvent, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var found = _events.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            try
            {
                await _signal.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("the expected boundary event was not recorded in time");
            }
        }
    }
}
