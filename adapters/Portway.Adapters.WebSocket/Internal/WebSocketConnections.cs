using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Portway.Configuration;
using Portway.Observability;

namespace Portway.Adapters.WebSocket.Internal;

/// <summary>The sockets open now (for tests, stats and shutdown), and each endpoint's <c>max_connections</c> slots.</summary>
internal sealed class WebSocketConnections(PortwayGauges gauges)
{
    private readonly ConcurrentDictionary<long, WebSocketConnection> _open = new();
    private readonly ConcurrentDictionary<string, StrongBox<int>> _perEndpoint = new(StringComparer.Ordinal);
    private long _nextId;

    public int Count => _open.Count;

    /// <summary>Requests in flight over every open socket.</summary>
    public int InFlight => _open.Values.Sum(c => c.InFlightCount);

    /// <summary>Takes one of the endpoint's <c>max_connections</c> slots; false when all are taken.</summary>
    public bool TryReserve(EndpointConfig endpoint)
    {
        var count = _perEndpoint.GetOrAdd(endpoint.Route, static _ => new StrongBox<int>());
        if (Interlocked.Increment(ref count.Value) <= endpoint.MaxConnections)
        {
            return true;
        }

        Interlocked.Decrement(ref count.Value);
        return false;
    }

    /// <summary>Gives back a slot taken by <see cref="TryReserve"/>.</summary>
    public void Release(EndpointConfig endpoint)
    {
        if (_perEndpoint.TryGetValue(endpoint.Route, out var count))
        {
            Interlocked.Decrement(ref count.Value);
        }
    }

    /// <summary>A socket's reading paused (+1: its send queue is full) or resumed (-1): the <c>websocket_reads_paused</c> gauge.</summary>
    public void ReadsPaused(int delta) => gauges.Add(PortwayGauges.WebSocketReadsPaused, delta);

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
