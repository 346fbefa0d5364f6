using System.Text.Json;
using Portway.Testing;

namespace Portway.Adapters.Tests.Kv;

/// <summary>The kv_stream port as a GraphQL subscription (graphql-transport-ws).</summary>
public sealed class KvStreamGraphQLTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private PortwayTestServer _server = null!;

    public async Task InitializeAsync() => _server = await KvStreamTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ProfileChanges_CurrentThenChanges_OneNextEach_CompleteStopsTheWatch()
    {
        await _server.PutProfileAsync("acme", "alice", 0.1);
        await using var client = await GraphQLWsClient.ConnectAndInitAsync(_server.BaseAddress);
        await client.SubscribeAsync("p", "subscription W($t: String!) { profile_changes(tenant: $t) { profile kind vector } }", new { t = "acme" });

        Assert.Equal(("alice", "current", 0.1), Change(await client.ReceiveAsync(), "p"));

        // The interface's timeout_ms is 1500; a kv stream has no deadline between items.
        await _server.LetTimePassAsync(TimeSpan.FromMilliseconds(2000));

        await _server.PutProfileAsync("acme", "bob", 0.2);
        Assert.Equal(("bob", "set", 0.2), Change(await client.ReceiveAsync(), "p"));
        await _server.PutProfileAsync("acme", "alice", 0.3);
        Assert.Equal(("alice", "set", 0.3), Change(await client.ReceiveAsync(), "p"));

        await client.SendAsync("""{"id":"p","type":"complete"}""");
        await Eventually.TrueAsync(() => _server.PendingWaiters == 0, Deadline, "the subscription's waiter is removed after complete");
    }

    private static (string Profile, string Kind, double First) Change(JsonElement message, string id)
    {
        Assert.Equal((id, "next"), (message.GetProperty("id").GetString(), message.GetProperty("type").GetString()));
        var change = message.GetProperty("payload").GetProperty("data").GetProperty("profile_changes");
        return (change.GetProperty("profile").GetString()!, change.GetProperty("kind").GetString()!, change.GetProperty("vector")[0].GetDouble());
    }
}
