using System.Net;
using System.Text.Json;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Pipelines;

/// <summary>A restart of the server on the same data directory keeps every registered node, its state and the signing key (memory kv + snapshot).</summary>
public sealed class DirectoryRestartEndToEndTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "portway-e2e-restart-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task Restart_KeepsEveryNode_AndTokensStillVerify()
    {
        var before = new Dictionary<string, string>(StringComparer.Ordinal);
        string token;
        await using (var first = await ProfileServer.StartAsync(_root, ownsRoot: false))
        {
            for (var i = 0; i < 20; i++)
            {
                var (status, _) = await first.SendAsync(HttpMethod.Post, "/v1/directory/nodes",
                    JsonSerializer.Serialize(new { id = $"node-{i:D2}", public_key = DirectoryNodeKey.Shared.PublicKey, capabilities = new[] { i < 5 ? "relay" : "store" } }));
                Assert.Equal(HttpStatusCode.OK, status);
            }

            var (_, deleted) = await first.SendAsync(HttpMethod.Delete, "/v1/directory/nodes/node-19");
            Assert.True(deleted.GetProperty("deregistered").GetBoolean());
            for (var i = 0; i < 19; i++)
            {
                var (_, node) = await first.SendAsync(HttpMethod.Get, $"/v1/directory/nodes/node-{i:D2}");
                before[$"node-{i:D2}"] = node.GetRawText();
            }

            token = (await first.SendAsync(HttpMethod.Post, "/v1/directory/nodes/node-00/token", DirectoryNodeKey.Shared.Body("token", "node-00", DateTimeOffset.UtcNow))).Body.GetProperty("token").GetString()!;
        }

        await using var second = await ProfileServer.StartAsync(_root, ownsRoot: false);
        var (_, relays) = await second.SendAsync(HttpMethod.Get, "/v1/directory/nodes?capability=relay");
        var (gone, _) = await second.SendAsync(HttpMethod.Get, "/v1/directory/nodes/node-19");
        var (verified, verifyBody) = await second.SendAsync(HttpMethod.Post, "/v1/directory/tokens/verify", JsonSerializer.Serialize(new { token }));

        foreach (var (id, json) in before)
        {
            var (status, node) = await second.SendAsync(HttpMethod.Get, $"/v1/directory/nodes/{id}");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(json, node.GetRawText());
        }

        Assert.Equal(5, relays.GetProperty("nodes").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, gone);
        Assert.Equal(HttpStatusCode.OK, verified);
        Assert.Equal("node-00", verifyBody.GetProperty("node_id").GetString());
    }
}
