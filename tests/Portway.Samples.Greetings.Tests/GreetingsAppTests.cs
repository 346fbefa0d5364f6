using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Portway.Testing;

namespace Portway.Samples.Greetings.Tests;

/// <summary>The sample app: its own node and YAML, served over HTTP, WebSocket and GraphQL by a real process.</summary>
public sealed class GreetingsAppTests : IAsyncLifetime
{
    private HostProcess _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await SampleApp.StartAsync("--Greetings:Salutation=Ahoy");
        _client = new HttpClient { BaseAddress = _app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Http_GreetsWithTheSalutationFromOptions()
    {
        var response = await _client.PostAsJsonAsync("/greet", new { name = "Ada" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Ahoy, Ada!", body.GetProperty("greeting").GetString());
        Assert.Equal(_app.Pid, body.GetProperty("pid").GetInt32());
    }

    [Fact]
    public async Task Http_BadInput_IsTheTaxonomyError()
    {
        var response = await _client.PostAsJsonAsync("/greet", new { name = "" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("validation_failed", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Http_TheAppsOwnEndpointsStayItsOwn()
    {
        Assert.Equal("the greetings sample: POST /greet, WebSocket /ws, GraphQL /graphql", await _client.GetStringAsync(new Uri("/", UriKind.Relative)));
        var missing = await _client.GetAsync(new Uri("/nowhere", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("", await missing.Content.ReadAsStringAsync()); // no Portway fallback unless the app opts in
    }

    [Fact]
    public async Task Http_StreamPipeline_IsNdjson()
    {
        var response = await _client.PostAsJsonAsync("/countdown", new { from = 3 });

        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["{\"n\":3}", "{\"n\":2}", "{\"n\":1}"], lines);
    }

    [Fact]
    public async Task WebSocket_GreetAndCountdownByOperation()
    {
        using var socket = new ClientWebSocket();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(new UriBuilder(_app.BaseAddress!) { Scheme = "ws", Path = "/ws" }.Uri, deadline.Token);

        await SendAsync(socket, """{"id":1,"op":"greet","payload":{"name":"Grace"}}""", deadline.Token);
        var reply = await ReceiveAsync(socket, deadline.Token);
        Assert.Equal("reply", reply.GetProperty("type").GetString());
        Assert.Equal("Ahoy, Grace!", reply.GetProperty("payload").GetProperty("greeting").GetString());

        await SendAsync(socket, """{"id":2,"op":"countdown","payload":{"from":2}}""", deadline.Token);
        var types = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            types.Add((await ReceiveAsync(socket, deadline.Token)).GetProperty("type").GetString()!);
        }

        Assert.Equal(["item", "item", "end"], types);
    }

    [Fact]
    public async Task GraphQL_QueryAndSubscription()
    {
        var response = await _client.PostAsJsonAsync("/graphql", new { query = "{ greet(name: \"Linus\") { greeting count } }" });
        var data = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("greet");
        Assert.Equal("Ahoy, Linus!", data.GetProperty("greeting").GetString());

        await using var ws = await GraphQLWsClient.ConnectAndInitAsync(_app.BaseAddress!);
        await ws.SubscribeAsync("1", "subscription { countdown(from: 2) { n } }");
        var first = await ws.ReceiveAsync();
        var second = await ws.ReceiveAsync();
        var end = await ws.ReceiveAsync();
        Assert.Equal(2, first.GetProperty("payload").GetProperty("data").GetProperty("countdown").GetProperty("n").GetInt32());
        Assert.Equal(1, second.GetProperty("payload").GetProperty("data").GetProperty("countdown").GetProperty("n").GetInt32());
        Assert.Equal("complete", end.GetProperty("type").GetString());
    }

    private static Task SendAsync(ClientWebSocket socket, string json, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    private static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var count = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(count), cancellationToken);
            count += result.Count;
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(buffer.AsMemory(0, count)).RootElement.Clone();
            }
        }
    }
}
