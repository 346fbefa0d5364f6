using System.Net;
using System.Text;
using System.Text.Json;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Egress;

/// <summary>
/// The node directory telling the network about changes over a WebSocket egress (<c>with: { egress }</c> on its
/// register, deregister and sweep stages), to a real local peer that closes the first connection: the client reconnects and the next notice goes there.
/// </summary>
public sealed class DirectoryNotifyEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private FlakyServer _peer = null!;
    private PortwayTestServer _host = null!;
    private string _dataDir = null!;

    public async Task InitializeAsync()
    {
        _peer = await FlakyServer.StartAsync();
        _peer.CloseAfterMessages = 1;
        _dataDir = Directory.CreateTempSubdirectory("portway-notify-").FullName;
        _host = await PortwayTestServer.StartAsync($$"""
            runtime:
              platform:
                data_dir: {{_dataDir}}
              egress:
                websocket:
                  - name: network
                    url: {{_peer.WebSocketUrl}}
                    reconnect: { base_delay_ms: 10, max_delay_ms: 100 }
              web:
                interfaces:
                  - kind: http
                    binds: [request, response]
                    endpoints:
                      - { route: "POST /v1/directory/nodes", pipeline: register }
                      - { route: "DELETE /v1/directory/nodes/{id}", pipeline: deregister }
            pipelines:
              register:
                stages:
                  - { name: register, node: directory.register, with: { egress: network } }
              deregister:
                stages:
                  - { name: deregister, node: directory.deregister, with: { egress: network } }
            """);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _peer.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task RegisterAndDeregister_AreSentToThePeer_InOrderAcrossAReconnect_WithTheCallersTrace()
    {
        const string traceId = "6bf92f3577b34da6a3ce929d0e0e4736";
        using (var register = new HttpRequestMessage(HttpMethod.Post, "/v1/directory/nodes")
        {
            Content = new StringContent($$"""{"id":"node-1","public_key":"{{DirectoryNodeKey.Shared.PublicKey}}","endpoints":["tcp://10.0.0.1:9000"],"capabilities":["relay"]}""", Encoding.UTF8, "application/json"),
        })
        {
            register.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
            using var response = await _host.Client.SendAsync(register);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await Eventually.TrueAsync(() => _peer.Messages.Count == 1, Deadline, "the registration notice arrives");
        await Eventually.TrueAsync(() => Network().GetProperty("connects").GetInt64() == 2 && Network().GetProperty("connected").GetBoolean(),
            Deadline, "the client reconnected after the peer closed");
        using (var response = await _host.Client.DeleteAsync("/v1/directory/nodes/node-1"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The peer closed the first connection after one message: the second notice comes on the next one.
        await Eventually.TrueAsync(() => _peer.Messages.Count == 2, Deadline, "the deregistration notice arrives after the reconnect");
        var messages = _peer.Messages.ToArray();
        var first = JsonDocument.Parse(messages[0].Text).RootElement;
        Assert.StartsWith($"00-{traceId}-", first.GetProperty("traceparent").GetString(), StringComparison.Ordinal);
        Assert.Equal("registered", first.GetProperty("payload").GetProperty("event").GetString());
        Assert.Equal(("node-1", "active"), (first.GetProperty("payload").GetProperty("data").GetProperty("id").GetString(),
            first.GetProperty("payload").GetProperty("data").GetProperty("state").GetString()));
        var second = JsonDocument.Parse(messages[1].Text).RootElement.GetProperty("payload");
        Assert.Equal("deregistered", second.GetProperty("event").GetString());
        Assert.True(second.GetProperty("data").GetProperty("deregistered").GetBoolean());
        Assert.Equal([1, 2], messages.Select(m => m.Connection));
        Assert.Equal(0, Network().GetProperty("queued").GetInt32());
    }

    private JsonElement Network()
    {
        using var response = _host.Client.GetAsync("/stats").GetAwaiter().GetResult();
        return JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult()).RootElement
            .GetProperty("egress").GetProperty("websocket").GetProperty("network").Clone();
    }
}
