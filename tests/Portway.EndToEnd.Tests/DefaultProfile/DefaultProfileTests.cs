using System.Net;
using System.Text;
using System.Text.Json;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.DefaultProfile;

/// <summary>The shipped config/runtime.yaml over real HTTP: the example pipelines as a user calls them.</summary>
public sealed class DefaultProfileTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "portway-e2e-" + Guid.NewGuid().ToString("N"));
    private PortwayTestServer _server = null!;

    private string DataDir => Path.Combine(_root, "data");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDir);
        var config = TestConfig.LoadRepoFile("runtime.yaml");
        config.Runtime.Platform.DataDir = DataDir;
        _server = await PortwayTestServer.StartAsync(config);
        await DemoTokens.AuthorizeAsync(_server.Client);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : Json(json) };
        using var response = await _server.Client.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private const string Alice = "[0.5,0.4,0.3,0.2,0.1,0.6,0.7,0.8]";

    [Fact]
    public async Task Profiles_PutGetList_RoundTripOverHttp()
    {
        var (put, created) = await SendAsync(HttpMethod.Put, "/v1/tenants/acme/profiles/alice", $"{{\"vector\":{Alice}}}");
        var (again, replaced) = await SendAsync(HttpMethod.Put, "/v1/tenants/acme/profiles/alice", $"{{\"vector\":{Alice}}}");
        await SendAsync(HttpMethod.Put, "/v1/tenants/acme/profiles/Bob", $"{{\"vector\":{Alice}}}");
        var (get, profile) = await SendAsync(HttpMethod.Get, "/v1/tenants/acme/profiles/alice");
        var (list, names) = await SendAsync(HttpMethod.Get, "/v1/tenants/acme/profiles");

        Assert.Equal(HttpStatusCode.OK, put);
        Assert.True(created.GetProperty("created").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.False(replaced.GetProperty("created").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, get);
        Assert.Equal(JsonSerializer.Deserialize<double[]>(Alice), profile.GetProperty("vector").Deserialize<double[]>());
        Assert.Equal(HttpStatusCode.OK, list);
        Assert.Equal(["Bob", "alice"], names.GetProperty("profiles").Deserialize<string[]>()!);
        Assert.True(File.Exists(Path.Combine(DataDir, "acme", "alice.json")));
    }

    [Fact]
    public async Task Profile_Missing_Is404InErrorFormat()
    {
        var (status, body) = await SendAsync(HttpMethod.Get, "/v1/tenants/acme/profiles/nobody");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not_found", body.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("/v1/tenants/..%2F..%2Fescape/profiles/p", HttpStatusCode.Forbidden)]
    [InlineData("/v1/tenants/acme/profiles/..%2Fescape", HttpStatusCode.BadRequest)]
    [InlineData("/v1/tenants/acme/profiles/a.b", HttpStatusCode.BadRequest)]
    [InlineData("/v1/tenants/acme%5C..%5Cx/profiles/p", HttpStatusCode.Forbidden)]
    public async Task PathTraversal_IsRefusedAndWritesNothingOutsideTheDataDir(string path, HttpStatusCode expected)
    {
        var before = Directory.GetFileSystemEntries(_root, "*", SearchOption.AllDirectories);

        var (status, body) = await SendAsync(HttpMethod.Put, path, $"{{\"vector\":{Alice}}}");

        // A tenant that is not the token's (acme) is refused by the tenant binding before any node; a bad profile name by the node.
        Assert.Equal(expected, status);
        Assert.Equal(expected == HttpStatusCode.Forbidden ? "forbidden" : "validation_failed", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(before, Directory.GetFileSystemEntries(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Profile_BadVector_Is400NamingTheProblem()
    {
        var (status, body) = await SendAsync(HttpMethod.Put, "/v1/tenants/acme/profiles/alice", "{\"vector\":[0.1,0.2]}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("vector", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feedback_IsProfileMinusMeasured_PerDimension()
    {
        await SendAsync(HttpMethod.Put, "/v1/tenants/acme/profiles/alice", $"{{\"vector\":{Alice}}}");

        var (status, body) = await SendAsync(HttpMethod.Post, "/v1/resonance/feedback",
            """{"tenant":"acme","profile_name":"alice","text":"Hello there! How are you today? I am fine, thanks."}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var hrv = body.GetProperty("hrv").Deserialize<double[]>()!;
        var profile = body.GetProperty("profile").Deserialize<double[]>()!;
        var feedback = body.GetProperty("hrv_feedback").Deserialize<double[]>()!;
        Assert.Equal(8, hrv.Length);
        Assert.All(hrv, v => Assert.InRange(v, 0, 1));
        Assert.Equal(JsonSerializer.Deserialize<double[]>(Alice), profile);
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(Math.Round(profile[i] - hrv[i], 6), feedback[i], 6);
        }
    }

    [Fact]
    public async Task Feedback_UnknownProfile_Is404()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/v1/resonance/feedback", """{"tenant":"acme","profile_name":"ghost","text":"hi there"}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not_found", body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Fanout_JoinReceivesBothBranches()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/v1/fanout", "{\"x\":1}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"b":{"x":1},"c":{"x":1}}""", body.GetRawText());
    }

    [Fact]
    public async Task Echo_DelayAndFail_AnswerAsDocumented()
    {
        var (echo, echoed) = await SendAsync(HttpMethod.Post, "/v1/echo", "{\"hello\":\"world\"}");
        var (delay, _) = await SendAsync(HttpMethod.Post, "/v1/delay", "{\"ms\":5000}");
        var (fail, failed) = await SendAsync(HttpMethod.Post, "/v1/fail", "{\"code\":\"conflict\",\"message\":\"already there\"}");

        Assert.Equal(HttpStatusCode.OK, echo);
        Assert.Equal("world", echoed.GetProperty("hello").GetString());
        Assert.Equal(HttpStatusCode.GatewayTimeout, delay);
        Assert.Equal(HttpStatusCode.Conflict, fail);
        Assert.Equal("already there", failed.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(0, _server.PendingWaiters);
    }
}
