using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Portway.Testing;

namespace Portway.EndToEnd.Tests.Pipelines;

/// <summary>The shipped config/runtime.yaml on a free loopback port, with a data directory of its own, and small clients for it.</summary>
internal sealed class ProfileServer : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly string _root;
    private readonly bool _ownsRoot;

    private ProfileServer(string root, bool ownsRoot, PortwayTestServer server)
    {
        _root = root;
        _ownsRoot = ownsRoot;
        Server = server;
    }

    public PortwayTestServer Server { get; }

    public static Task<ProfileServer> StartAsync() =>
        StartAsync(Path.Combine(Path.GetTempPath(), "portway-e2e-pipelines-" + Guid.NewGuid().ToString("N")), ownsRoot: true);

    /// <summary>A server on <paramref name="root"/> as its data directory; deleted on dispose when <paramref name="ownsRoot"/>.</summary>
    public static async Task<ProfileServer> StartAsync(string root, bool ownsRoot)
    {
        Directory.CreateDirectory(root);
        var config = TestConfig.LoadRepoFile("runtime.yaml");
        config.Runtime.Platform.DataDir = root;
        return new ProfileServer(root, ownsRoot, await PortwayTestServer.StartAsync(config));
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await Server.Client.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    public async Task<JsonElement> GraphQLAsync(string query, object? variables = null)
    {
        var json = JsonSerializer.Serialize(new { query, variables });
        using var response = await Server.Client.PostAsync("/graphql", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.False(body.TryGetProperty("errors", out _), body.ToString());
        return body.GetProperty("data");
    }

    public async Task<ClientWebSocket> ConnectAsync()
    {
        var socket = new ClientWebSocket();
        using var cts = new CancellationTokenSource(Deadline);
        await socket.ConnectAsync(new Uri($"ws://{Server.BaseAddress.Authority}/v1/ws"), cts.Token);
        return socket;
    }

    public static Task SendAsync(ClientWebSocket socket, string text) => WsJson.SendAsync(socket, text, Deadline);

    public static Task<JsonElement> ReceiveAsync(ClientWebSocket socket) => WsJson.ReceiveAsync(socket, Deadline);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        if (_ownsRoot)
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
