using System.Text.Json;
using Portway.Pipelines.NodeDirectory;
using Portway.Pipelines.Tests.VoiceProfiles;
using Portway.Testing;

namespace Portway.Pipelines.Tests.NodeDirectory;

/// <summary>The directory's nodes as the runtime calls them: JSON in, JSON out.</summary>
public sealed class DirectoryNodesTests : IDisposable
{
    private readonly DirectoryFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task Register_ThenGet_SnakeCaseJsonWithState()
    {
        var registered = await NodeCall.OkAsync(new RegisterNode(_fixture.Directory),
            $$"""{"id":"n1","public_key":"{{DirectoryFixture.Key}}","endpoints":["https://n1.example"],"capabilities":["relay"]}""");
        var got = await NodeCall.OkAsync(new GetNode(_fixture.Directory), """{"id":"n1"}""");

        Assert.True(registered.GetProperty("created").GetBoolean());
        Assert.Equal("active", got.GetProperty("state").GetString());
        Assert.Equal(DirectoryFixture.Key, got.GetProperty("public_key").GetString());
        Assert.Equal("relay", got.GetProperty("capabilities")[0].GetString());
        Assert.True(got.TryGetProperty("last_seen", out _));
        Assert.False(got.TryGetProperty("created", out _));
    }

    [Fact]
    public async Task Discover_LimitAsAStringFromAQuery_PagesWithNext()
    {
        await _fixture.RegisterAsync("a", "relay");
        await _fixture.RegisterAsync("b", "relay");
        var discover = new DiscoverNode(_fixture.Directory);

        var first = await NodeCall.OkAsync(discover, """{"capability":"relay","limit":"1"}""");
        var next = first.GetProperty("next").GetString();
        var second = await NodeCall.OkAsync(discover, JsonSerializer.Serialize(new { capability = "relay", limit = "1", after = next }));

        Assert.Equal("a", first.GetProperty("nodes")[0].GetProperty("id").GetString());
        Assert.Equal("b", second.GetProperty("nodes")[0].GetProperty("id").GetString());
        Assert.False(second.TryGetProperty("next", out _));
    }

    [Fact]
    public async Task Token_ThenVerify_AndATamperedOneIsUnauthorizedNamingTheProblem()
    {
        await _fixture.RegisterAsync("n1");
        var (ts, sig) = DirectoryNodeKey.Shared.Proof("token", "n1", _fixture.Clock.GetUtcNow());
        var token = await NodeCall.OkAsync(new TokenNode(_fixture.Directory), JsonSerializer.Serialize(new { id = "n1", ts = ts.ToString(System.Globalization.CultureInfo.InvariantCulture), sig }));
        var verify = new VerifyTokenNode(_fixture.Directory);
        var text = token.GetProperty("token").GetString()!;

        var ok = await NodeCall.OkAsync(verify, JsonSerializer.Serialize(new { token = text }));
        var message = await NodeCall.FailsAsync(verify, JsonSerializer.Serialize(new { token = text[..^2] + (text[^2] == 'A' ? "B" : "A") + text[^1] }), ErrorCode.Unauthorized);

        Assert.True(ok.GetProperty("valid").GetBoolean());
        Assert.Equal("n1", ok.GetProperty("node_id").GetString());
        Assert.StartsWith("bad_signature: ", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_PublishTheVerifyingKey()
    {
        var keys = await NodeCall.OkAsync(new KeysNode(_fixture.Directory), "{}");
        var key = keys.GetProperty("keys")[0];

        Assert.Equal(_fixture.Directory.Key.KeyId, key.GetProperty("kid").GetString());
        Assert.Equal("ES256", key.GetProperty("alg").GetString());
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", key.GetProperty("public_key").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deregister_AndSweep_AnswerTheirShapes()
    {
        await _fixture.RegisterAsync("n1");

        var gone = await NodeCall.OkAsync(new DeregisterNode(_fixture.Directory), """{"id":"n1"}""");
        var sweep = await NodeCall.OkAsync(new SweepNode(_fixture.Directory), "{}");

        Assert.True(gone.GetProperty("deregistered").GetBoolean());
        Assert.Equal(0, sweep.GetProperty("removed").GetInt32());
        Assert.Equal(0, sweep.GetProperty("states").GetProperty("active").GetInt32());
    }
}
