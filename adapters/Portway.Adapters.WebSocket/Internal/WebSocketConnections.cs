using System.Collections.Concurrent;
using Portway.Observability;

namespace Portway.Adapters.WebSocket.Internal;

/// <summary>The sockets open now (for tests, stats and shutdown).</summary>
internal sealed class WebSocketConnections(PortwayGauges gauges)
{
    private readonly ConcurrentDictionary<long, WebSocketConnection> _open = new();
    private long _nextId;

    public int Count => _open.Count;

    /// <summary>Requests in flight over every open socket.</summary>
    public int InFlight => _open.Values.Sum(c => c.InFlightCount);

    public long Add(WebSocketConnection connection)
    {
        var id = Interlocked.Increment(ref _nextId);
        _open[id] = connection;
        gauges.Add(PortwayGauges.WebSocketConnections, 1);
        return id;
    }

    public void Remove(long id)
    {
        if (_open.TryRemove(id, out _))
        {
            gauges.Add(PortwayGauges.WebSocketConnections, -1);
        }
    }
}
