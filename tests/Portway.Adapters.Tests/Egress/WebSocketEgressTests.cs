using System.Text.Json;
using Portway.Adapters.Egress.Internal;
using Portway.Testing;

namespace Portway.Adapters.Tests.Egress;

/// <summary>The WebSocket egress against a real local Kestrel peer that closes, refuses and comes back.</summary>
public sealed class WebSocketEgressTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private FlakyServer _server = null!;

    public async Task InitializeAsync() => _server = await FlakyServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private EgressHub Hub(int queueLimit = 16) => EgressTestClient.Hub($"""
            websocket:
              - name: events
                url: {_server.WebSocketUrl}
                send_queue_limit: {queueLimit}
                reconnect: {"{"} base_delay_ms: 20, max_delay_ms: 200 {"}"}
        """, TimeProvider.System);

    private static string Trace(int i) => $"00-{i:x32}-00f067aa0ba902b7-01";

    [Fact]
    public async Task PeerClosesTheConnection_ClientReconnectsAndDeliversWhatWasQueuedMeanwhile_InOrder()
    {
        var allow = false;
        _server.CloseAfterMessages = 1;
        _server.AcceptWebSockets = n => n == 1 || Volatile.Read(ref allow);
        await using var hub = Hub();
        await hub.StartAsync(CancellationToken.None);
        var client = hub.WebSocket("events");

        await hub.SendAsync("events", """{"n":1}"""u8.ToArray(), Trace(1));
        await Eventually.TrueAsync(() => _server.Messages.Count == 1 && !client.Connected && client.ConnectFailures >= 1, Deadline, "the peer closed the first connection and refused a reconnect");
        foreach (var n in (int[])[2, 3, 4])
        {
            await hub.SendAsync("events", JsonSerializer.SerializeToUtf8Bytes(new { n }), Trace(n));
        }

        Assert.Equal(3, client.Queued);
        Volatile.Write(ref allow, true);
        await Eventually.TrueAsync(() => _server.Messages.Count == 4, Deadline, "the queued messages arrive after the reconnect");

        var messages = _server.Messages.ToArray();
        Assert.Equal([1, 2, 2, 2], messages.Select(m => m.Connection));
        for (var i = 0; i < 4; i++)
        {
            using var json = JsonDocument.Parse(messages[i].Text);
            Assert.Equal(i + 1, json.RootElement.GetProperty("payload").GetProperty("n").GetInt32());
            Assert.Equal(Trace(i + 1), json.RootElement.GetProperty("traceparent").GetString());
        }

        Assert.Equal(2, client.Connects);
        Assert.True(client.Connected);
        Assert.Equal(0, client.Queued);
    }

    [Fact]
    public async Task PeerRefusesAtFirst_ClientKeepsTryingWithBackoffThenConnects()
    {
        _server.AcceptWebSockets = n => n > 3;
        await using var hub = Hub();
        await hub.StartAsync(CancellationToken.None);

        await hub.SendAsync("events", """{"hello":true}"""u8.ToArray(), Trace(7));
        await Eventually.TrueAsync(() => _server.Messages.Count == 1, Deadline, "the message arrives once the peer accepts");

        var client = hub.WebSocket("events");
        Assert.Equal(4, _server.Upgrades);
        Assert.Equal(3, client.ConnectFailures);
        Assert.Equal(1, client.Connects);
    }

    [Fact]
    public async Task QueueFull_WhileThePeerIsAway_RefusesTheNextMessageAsUnavailable()
    {
        _server.AcceptWebSockets = _ => false;
        await using var hub = Hub(queueLimit: 2);
        await hub.StartAsync(CancellationToken.None);

        await hub.SendAsync("events", "1"u8.ToArray(), "");
        await hub.SendAsync("events", "2"u8.ToArray(), "");
        var error = (await Assert.ThrowsAsync<PortwayException>(() => hub.SendAsync("events", "3"u8.ToArray(), "").AsTask())).Error;

        Assert.Equal(ErrorCode.Unavailable, error.Code);
        Assert.Contains("send queue is full (send_queue_limit 2)", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, hub.WebSocket("events").Queued);
    }

    [Fact]
    public async Task Send_NotJson_IsValidationFailed_AndUnknownEgressIsNamed()
    {
        await using var hub = Hub();

        Assert.Equal(ErrorCode.ValidationFailed, (await Assert.ThrowsAsync<PortwayException>(() => hub.SendAsync("events", "{nope"u8.ToArray(), "").AsTask())).Error.Code);
        var unknown = await Assert.ThrowsAsync<PortwayException>(() => hub.SendAsync("nope", "{}"u8.ToArray(), "").AsTask());
        Assert.Contains("'nope' is not declared under runtime.egress.websocket", unknown.Error.Message, StringComparison.Ordinal);
        var wrongKind = await Assert.ThrowsAsync<PortwayException>(() => hub.CallAsync("events", EgressTestClient.Post("/")).AsTask());
        Assert.Contains("'events' is not an http egress", wrongKind.Error.Message, StringComparison.Ordinal);
    }
}
