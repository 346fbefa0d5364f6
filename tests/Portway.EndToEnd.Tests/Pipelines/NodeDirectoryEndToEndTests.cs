using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Pipelines;

/// <summary>The node directory as config/runtime.yaml serves it: every route over real HTTP, and as WebSocket operations and GraphQL fields.</summary>
public sealed class NodeDirectoryEndToEndTests : IAsyncLifetime
{
    private ProfileServer _server = null!;

    public async Task InitializeAsync() => _server = await ProfileServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<(HttpStatusCode Status, JsonElement Body)> RegisterAsync(string id, params string[] capabilities) =>
        _server.SendAsync(HttpMethod.Post, "/v1/directory/nodes",
            JsonSerializer.Serialize(new { id, public_key = DirectoryNodeKey.Shared.PublicKeyPem, endpoints = new[] { $"https://{id}.example:7000" }, capabilities }));

    [Fact]
    public async Task Register_Get_Heartbeat_Deregister_OverHttp()
    {
        var (registered, node) = await RegisterAsync("n1", "relay", "store");
        var (got, fetched) = await _server.SendAsync(HttpMethod.Get, "/v1/directory/nodes/n1");
        var (beat, afterBeat) = await _server.SendAsync(HttpMethod.Post, "/v1/directory/nodes/n1/heartbeat", DirectoryNodeKey.Shared.Body("heartbeat", "n1", DateTimeOffset.UtcNow));
        var (unsigned, unsignedBody) = await _server.SendAsync(HttpMethod.Post, "/v1/directory/nodes/n1/heartbeat");
        var (forged, forgedBody) = await _server.SendAsync(HttpMethod.Post, "/v1/directory/nodes/n1/heartbeat", DirectoryNodeKey.Other.Body("heartbeat", "n1", DateTimeOffset.UtcNow));
        var (deleted, gone) = await _server.SendAsync(HttpMethod.Delete, "/v1/directory/nodes/n1");
        var (missing, error) = await _server.SendAsync(HttpMethod.Get, "/v1/directory/nodes/n1");

        Assert.Equal(HttpStatusCode.OK, registered);
        Assert.True(node.GetProperty("created").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, got);
        Assert.Equal("active", fetched.GetProperty("state").GetString());
        Assert.Equal(["relay", "store"], fetched.GetProperty("capabilities").Deserialize<string[]>()!);
        Assert.Equal(DirectoryNodeKey.Shared.PublicKey, fetched.GetProperty("public_key").GetString());
        Assert.Equal(HttpStatusCode.OK, beat);
        Assert.Equal("active", afterBeat.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned);
        Assert.Equal("unauthorized", unsignedBody.GetProperty("error").GetProperty("code").GetString());
        Assert.StartsWith("signature_missing: ", unsignedBody.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, forged);
        Assert.StartsWith("bad_signature: ", forgedBody.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.True(gone.GetProperty("deregistered").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal("not_found", error.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Register_BadInput_And_AnotherKey_AreClearErrors()
    {
        await RegisterAsync("n1");

        var (bad, badBody) = await _server.SendAsync(HttpMethod.Post, "/v1/directory/nodes", $$"""{"id":"n 2","public_key":"{{DirectoryNodeKey.Shared.PublicKey}}"}""");
        var (conflict, conflictBody) = await _server.SendAsync(HttpMethod.Post, "/v1/directory/nodes", $$"""{"id":"n1","public_key":"{{DirectoryNodeKey.Other.PublicKey}}"}""");
        var (unknown, _) = await _server.SendAsync(HttpMethod.Post, "/v1/directory/nodes/nobody/heartbeat", DirectoryNodeKey.Shared.Body("heartbeat", "nobody", DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.StartsWith("id must be", badBody.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, conflict);
        Assert.Equal("conflict", conflictBody.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown);
    }

    [Fact]
    public async Task Discover_FiltersByCapability_PagesWithTheCursorFromTheQueryString()
    {
        foreach (var id in new[] { "c", "a", "d", "b" })
        {
            await RegisterAsync(id, id == "d" ? "store" : "relay");
        }

        var (first, page1) = await _server.SendAsync(HttpMethod.Get, "/v1/directory/nodes?capability=relay&limit=2");
        var next = page1.GetProperty("next").GetString()!;
        var (second, page2) = await _server.SendAsync(HttpMethod.Get, $"/v1/directory/nodes?capability=relay&limit=2&after={Uri.EscapeDataString(next)}");
        var (active, all) = await _server.SendAsync(HttpMethod.Get, "/v1/directory/nodes?state=active");
        var (badState, badStateBody) = await _server.SendAsync(HttpMethod.Get, "/v1/directory/nodes?state=coma");
        var (twice, _) = await _server.SendAsync(HttpMethod.Get, "/v1/directory/nodes?limit=1&limit=2");

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(["a", "b"], page1.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.OK, second);
        Assert.Equal(["c"], page2.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()));
        Assert.False(page2.TryGetProperty("next", out _));
        Assert.Equal(HttpStatusCode.OK, active);
        Assert.Equal(4, all.GetProperty("nodes").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, badState);
        Assert.StartsWith("state must be", badStateBody.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, twice);
    }

    [Fact]
    public async Task Token_VerifiesOfflineWithThePublishedKey_AndTheVerifyRouteRejectsATamperedOne()
    {
        await RegisterAsync("n1");

        var (issued, token) = await _server.SendAsync(HttpMethod.Post, "/v1/directory/nodes/n1/token", DirectoryNodeKey.Shared.Body("token", "n1", DateTimeOffset.UtcNow));
        var (_, keys) = await _server.SendAsync(HttpMethod.Get, "/v1/directory/keys");
        var text = token.GetProperty("token").GetString()!;
        var (verified, verifyBody) = await _server.SendAsync(HttpMethod.Post, "/v1/directory/tokens/verify", JsonSerializer.Serialize(new { token = text }));
        var tampered = text[..^4] + (text[^4] == 'A' ? "B" : "A") + text[^3..];
        var (rejected, rejectBody) = await _server.SendAsync(HttpMethod.Post, "/v1/directory/tokens/verify", JsonSerializer.Serialize(new { token = tampered }));

        Assert.Equal(HttpStatusCode.OK, issued);
        var expiresAt = token.GetProperty("expires_at").GetDateTimeOffset();
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5.1));

        // Offline, as another node would: the published key alone checks the signature.
        using var key = ECDsa.Create();
        key.ImportFromPem(keys.GetProperty("keys")[0].GetProperty("public_key").GetString());
        var parts = text.Split('.');
        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256));
        Assert.Equal("n1", JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement.GetProperty("sub").GetString());

        Assert.Equal(HttpStatusCode.OK, verified);
        Assert.Equal("n1", verifyBody.GetProperty("node_id").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, rejected);
        Assert.StartsWith("bad_signature", rejectBody.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Directory_AsWebSocketOperations()
    {
        using var socket = await _server.ConnectAsync();

        await ProfileServer.SendAsync(socket, $$$"""{"id":1,"op":"directory_register","payload":{"id":"w1","public_key":"{{{DirectoryNodeKey.Shared.PublicKey}}}","capabilities":["relay"]}}""");
        var registered = await ProfileServer.ReceiveAsync(socket);
        await ProfileServer.SendAsync(socket, """{"id":2,"op":"directory_discover","payload":{"capability":"relay"}}""");
        var discovered = await ProfileServer.ReceiveAsync(socket);
        await ProfileServer.SendAsync(socket, """{"id":3,"op":"directory_get","payload":{"id":"nobody"}}""");
        var missing = await ProfileServer.ReceiveAsync(socket);

        Assert.Equal("reply", registered.GetProperty("type").GetString());
        Assert.Equal("w1", registered.GetProperty("payload").GetProperty("id").GetString());
        Assert.Equal("w1", discovered.GetProperty("payload").GetProperty("nodes")[0].GetProperty("id").GetString());
        Assert.Equal("error", missing.GetProperty("type").GetString());
        Assert.Equal("not_found", missing.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Directory_AsGraphQLFields()
    {
        var registered = await _server.GraphQLAsync(
            $$"""mutation { directory_register(id: "g1", public_key: "{{DirectoryNodeKey.Shared.PublicKey}}", capabilities: ["relay"]) { id state created } }""");
        var (ts, sig) = DirectoryNodeKey.Shared.Proof("token", "g1", DateTimeOffset.UtcNow);
        var token = await _server.GraphQLAsync("mutation ($ts: String!, $sig: String!) { directory_token(id: \"g1\", ts: $ts, sig: $sig) { token expires_at } }",
            new { ts = ts.ToString(System.Globalization.CultureInfo.InvariantCulture), sig });
        var verified = await _server.GraphQLAsync("mutation ($t: String!) { directory_verify(token: $t) { valid node_id } }",
            new { t = token.GetProperty("directory_token").GetProperty("token").GetString() });
        var nodes = await _server.GraphQLAsync("""{ directory_nodes(capability: "relay", limit: 10) { nodes { id state capabilities } next } directory_keys { keys { alg } } }""");

        Assert.True(registered.GetProperty("directory_register").GetProperty("created").GetBoolean());
        Assert.True(verified.GetProperty("directory_verify").GetProperty("valid").GetBoolean());
        Assert.Equal("g1", nodes.GetProperty("directory_nodes").GetProperty("nodes")[0].GetProperty("id").GetString());
        Assert.Equal("ES256", nodes.GetProperty("directory_keys").GetProperty("keys")[0].GetProperty("alg").GetString());
    }
}
