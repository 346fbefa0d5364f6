using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portway.Configuration;
using Portway.Egress;
using Portway.Observability;

namespace Portway.Adapters.Egress.Internal;

/// <summary>
/// The egress port over the clients of <c>runtime.egress</c>: built when first resolved (a header secret that cannot
/// be read throws then, which stops startup), WebSocket clients connected at start and closed at stop; their state is
/// the <c>"egress"</c> section of <c>/stats</c>.
/// </summary>
internal sealed class EgressHub : IPortwayEgress, IPortwayStatsSection, IHostedService, IAsyncDisposable
{
    private readonly Dictionary<string, HttpEgressClient> _http = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WebSocketEgressClient> _webSockets = new(StringComparer.Ordinal);

    public EgressHub(PortwayConfig config, TimeProvider time, ILoggerFactory? loggers = null, PortwayTracer? tracer = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger("Portway.Egress");
        foreach (var http in config.Runtime.Egress.Http)
        {
            _http.Add(http.Name, new HttpEgressClient(http, time, logger, EgressHeaders.Resolve(http.Name, http.Headers)) { Tracer = tracer });
        }

        foreach (var ws in config.Runtime.Egress.WebSocket)
        {
            _webSockets.Add(ws.Name, new WebSocketEgressClient(ws, time, logger, EgressHeaders.Resolve(ws.Name, ws.Headers)));
        }
    }

    public string Name => "egress";

    /// <summary>The HTTP client named <paramref name="name"/> (tests).</summary>
    internal HttpEgressClient Http(string name) => _http[name];

    /// <summary>The WebSocket client named <paramref name="name"/> (tests).</summary>
    internal WebSocketEgressClient WebSocket(string name) => _webSockets[name];

    public ValueTask<EgressResponse> CallAsync(string egress, EgressRequest request, CancellationToken cancellationToken = default) =>
        _http.TryGetValue(egress, out var client)
            ? client.CallAsync(request, cancellationToken)
            : throw Unknown(egress, "http");

    public ValueTask SendAsync(string egress, ReadOnlyMemory<byte> message, string traceParent, CancellationToken cancellationToken = default)
    {
        if (!_webSockets.TryGetValue(egress, out var client))
        {
            throw Unknown(egress, "websocket");
        }

        try
        {
            if (!client.TryEnqueue(message, traceParent ?? ""))
            {
                throw new PortwayException(ErrorCode.Unavailable,
                    $"egress '{egress}': the send queue is full (send_queue_limit {client.Limit}); the peer is {(client.Connected ? "slow" : "not connected")}");
            }
        }
        catch (JsonException ex)
        {
            throw new PortwayException(ErrorCode.ValidationFailed, $"egress '{egress}': the message is not JSON: {ex.Message}");
        }

        return ValueTask.CompletedTask;
    }

    public void Write(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteStartObject("http");
        foreach (var (name, client) in _http)
        {
            writer.WriteStartObject(name);
            writer.WriteString("breaker", client.BreakerState);
            writer.WriteNumber("calls", client.Calls);
            writer.WriteNumber("failures", client.Failures);
            writer.WriteNumber("retries", client.Retries);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteStartObject("websocket");
        foreach (var (name, client) in _webSockets)
        {
            writer.WriteStartObject(name);
            writer.WriteBoolean("connected", client.Connected);
            writer.WriteNumber("connects", client.Connects);
            writer.WriteNumber("connect_failures", client.ConnectFailures);
            writer.WriteNumber("queued", client.Queued);
            writer.WriteNumber("sent", client.Sent);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var client in _webSockets.Values) client.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _webSockets.Values) await client.DisposeAsync().ConfigureAwait(false);
        foreach (var client in _http.Values) client.Dispose();
    }

    private PortwayException Unknown(string egress, string kind)
    {
        var other = kind == "http" ? _webSockets.ContainsKey(egress) : _http.ContainsKey(egress);
        return new PortwayException(ErrorCode.Internal, other
            ? $"egress '{egress}' is not {(kind == "http" ? "an http" : "a websocket")} egress"
            : $"egress '{egress}' is not declared under runtime.egress.{kind}");
    }
}
