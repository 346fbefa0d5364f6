using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Portway.Observability;

/// <summary>
/// Live counts an adapter keeps up to date (open WebSocket connections, GraphQL operations running...): shown by
/// <c>/stats</c> and the dashboard and exported as gauges (<c>portway.live</c>, tagged <c>name</c>).
/// An adapter adds 1 when a thing starts and -1 when it ends.
/// </summary>
public sealed class PortwayGauges
{
    /// <summary>Open WebSocket connections (the WebSocket adapter's and the GraphQL adapter's <c>graphql-transport-ws</c> ones).</summary>
    public const string WebSocketConnections = "websocket_connections";

    /// <summary>GraphQL operations running (the GraphQL adapter: HTTP requests and subscriptions).</summary>
    public const string GraphQLOperations = "graphql_operations";

    /// <summary>
    /// WebSocket connections (plain and GraphQL) whose reading is paused now because their send queue is full: the
    /// client sends faster than it reads (backpressure; full for the timeout closes the socket with 1013).
    /// </summary>
    public const string WebSocketReadsPaused = "websocket_reads_paused";

    // The built-in gauges exist from the start, so a scrape shows them at 0 before their first connection or operation
    // (a series that appears only once used reads "no data" in Prometheus, not 0).
    private readonly ConcurrentDictionary<string, StrongBox<long>> _values = new(
        [new(WebSocketConnections, new StrongBox<long>()), new(GraphQLOperations, new StrongBox<long>()), new(WebSocketReadsPaused, new StrongBox<long>())],
        StringComparer.Ordinal);

    /// <summary>Adds <paramref name="delta"/> to the gauge <paramref name="name"/>.</summary>
    public void Add(string name, long delta) =>
        Interlocked.Add(ref _values.GetOrAdd(name, static _ => new StrongBox<long>()).Value, delta);

    /// <summary>The gauge's value now (0 for a gauge never touched).</summary>
    public long Get(string name) => _values.TryGetValue(name, out var box) ? Volatile.Read(ref box.Value) : 0;

    /// <summary>The built-in gauges and every other gauge touched so far, sorted by name.</summary>
    public SortedDictionary<string, long> Snapshot()
    {
        var snapshot = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, box) in _values) snapshot[name] = Volatile.Read(ref box.Value);
        return snapshot;
    }
}
