using System.Net.WebSockets;
using System.Text;
using Portway.Adapters.Tests.WebSocket;
using Portway.Testing;

namespace Portway.Adapters.Tests.Kv;

/// <summary>The kv_stream port over WebSocket: a <c>binds: [kv_stream]</c> endpoint's watch operation.</summary>
public sealed class KvStreamWebSocketTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly RecordingEventSink _events = new();
    private PortwayTestServer _server = null!;

    public async Task InitializeAsync() => _server = await KvStreamTestServer.StartAsync(_events);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ProfileWatch_CurrentProfilesFirst_ThenEachChange_ThenDeletion_NoDeadlineBetweenItems()
    {
        await _server.PutProfileAsync("acme", "bob", 0.2);
        await _server.PutProfileAsync("acme", "alice", 0.1);
        await _server.PutProfileAsync("other", "carol", 0.3);

        await using var client = await WsClient.ConnectAsync(_server.BaseAddress, "/v1/ws");
        await client.SendAsync("""{"id":"w","op":"profile_watch","payload":{"tenant":"acme"}}""");
        var first = await client.ReceiveJsonAsync();
        var second = await client.ReceiveJsonAsync();
        Assert.Equal(("w", "item"), (first.GetProperty("id").GetString(), first.GetProperty("type").GetString()));
        Assert.Equal(("alice", "current", 0.1), Profile(first));
        Assert.Equal(("bob", "current", 0.2), Profile(second));

        // The endpoint's timeout_ms is 300; a kv stream has no deadline between items.
        await _server.LetTimePassAsync(TimeSpan.FromMilliseconds(700));

        await _server.PutProfileAsync("acme", "alice", 0.9);
        await _server.PutProfileAsync("other", "carol", 0.4);
        await _server.PutProfileAsync("acme", "dave", 0.5);
        Assert.Equal(("alice", "set", 0.9), Profile(await client.ReceiveJsonAsync()));
        Assert.Equal(("dave", "set", 0.5), Profile(await client.ReceiveJsonAsync()));

        Assert.True(await _server.Kv().DeleteAsync("voice/profiles/acme/bob"));
        var deleted = await client.ReceiveJsonAsync();
        Assert.Equal("deleted", deleted.GetProperty("payload").GetProperty("kind").GetString());
        Assert.Equal("bob", deleted.GetProperty("payload").GetProperty("profile").GetString());
        Assert.False(deleted.GetProperty("payload").TryGetProperty("vector", out _));

        await client.SendAsync("""{"id":"w","op":"cancel"}""");
        await Eventually.TrueAsync(() => _server.PendingWaiters == 0, Deadline, "the watch's waiter is removed after cancel");
    }

    [Fact]
    public async Task ProfileWatch_BadTenant_AnswersValidationFailed_ConnectionStaysUp()
    {
        await using var client = await WsClient.ConnectAsync(_server.BaseAddress, "/v1/ws");
        await client.SendAsync("""{"id":"w","op":"profile_watch","payload":{"tenant":"../etc"}}""");
        var error = await client.ReceiveJsonAsync();
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("validation_failed", error.GetProperty("error").GetProperty("code").GetString());

        await client.SendAsync("""{"id":"t","op":"ticks","payload":{"count":1}}""");
        Assert.Equal("item", (await client.ReceiveJsonAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task KvWatch_ClientReadsTooSlowly_IsClosed1013_NothingLeftPending()
    {
        await using var client = await WsClient.ConnectAsync(_server.BaseAddress, "/v1/ws-slow");
        await client.SendAsync("""{"id":"w","op":"kv_watch","payload":{"prefix":"big/"}}""");
        // A first change proves the watch is live before the flood.
        await _server.Kv().SetAsync("big/0", Encoding.UTF8.GetBytes("0"));
        Assert.Equal("item", (await client.ReceiveJsonAsync()).GetProperty("type").GetString());

        // 64 KiB values, 600 of them (~40 MB, fewer than the watch's bound of 1,024 changes), and the client reads
        // nothing: the socket's buffers fill, the endpoint's queue (4 messages) stays full past timeout_ms, and the
        // server closes with 1013.
        var big = Encoding.UTF8.GetBytes("\"" + new string('x', 64 * 1024) + "\"");
        for (var i = 1; i <= 600; i++) await _server.Kv().SetAsync($"big/{i % 8}", big);

        await _events.WaitForAsync(e => e.Interface == "websocket" && e.Kind == Portway.Observability.BoundaryEventKind.EgressFailed && e.Code == "unavailable", TimeSpan.FromSeconds(60));
        var received = await client.ReceiveUntilCloseAsync();
        Assert.Equal((WebSocketCloseStatus)1013, client.Socket.CloseStatus);
        Assert.InRange(received, 0, 599);
        await Eventually.TrueAsync(() => _server.PendingWaiters == 0, Deadline, "the slow watcher's waiter is removed");
    }

    private static (string Profile, string Kind, double First) Profile(System.Text.Json.JsonElement message)
    {
        var payload = message.GetProperty("payload");
        return (payload.GetProperty("profile").GetString()!, payload.GetProperty("kind").GetString()!, payload.GetProperty("vector")[0].GetDouble());
    }
}
