using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Portway.Adapters.Tests.Http;
using Portway.Adapters.WebSocket.Internal;
using Portway.Internal.Lifecycle;
using Portway.Testing;

namespace Portway.Adapters.Tests.WebSocket;

/// <summary>SIGTERM with sockets open: in-flight requests may finish, new ones are refused, then the server closes 1001.</summary>
public sealed class WebSocketDrainTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Stop_InFlightRequestFinishes_NewOneRefused_ThenServerClosesGoingAway()
    {
        var (server, _) = await WebSocketTestConfig.StartAsync();
        await using var _s = server;
        await using var client = await WsClient.ConnectAsync(server.BaseAddress, "/v1/ws");
        await client.SendAsync("""{"id":"g","op":"gate","payload":{"n":1}}""");
        await Eventually.TrueAsync(() => server.PendingWaiters == 1, Deadline, "the gated request is pending");

        var stopping = server.StopAsync();
        var drain = server.Services.GetRequiredService<DrainCoordinator>();
        await Eventually.TrueAsync(() => drain.IsDraining, Deadline, "draining began");
        await client.SendAsync("""{"id":"late","op":"echo"}""");
        var refused = await client.ReceiveJsonAsync();
        server.Services.GetRequiredService<Gate>().Open.SetResult();
        var reply = await client.ReceiveJsonAsync();
        var afterReply = await client.ReceiveUntilCloseAsync();
        await stopping.WaitAsync(Deadline);

        Assert.Equal("late", refused.GetProperty("id").GetString());
        Assert.Equal("unavailable", refused.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(("g", "reply"), (reply.GetProperty("id").GetString(), reply.GetProperty("type").GetString()));
        Assert.Equal(0, afterReply);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.Socket.CloseStatus);
        Assert.Equal(0, server.PendingWaiters);
        Assert.Equal(0, server.Services.GetRequiredService<WebSocketConnections>().Count);
    }
}
