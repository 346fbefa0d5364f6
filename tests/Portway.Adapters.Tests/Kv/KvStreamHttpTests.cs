using System.Net;
using System.Text.Json;
using Portway.Testing;

namespace Portway.Adapters.Tests.Kv;

/// <summary>The kv_stream port over HTTP: server-sent events and NDJSON.</summary>
public sealed class KvStreamHttpTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private PortwayTestServer _server = null!;

    public async Task InitializeAsync() => _server = await KvStreamTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Sse_HeadersAtOnceWithNothingStored_ThenOneEventPerChange_ClientGoneEndsTheWatch()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/tenants/acme/profile-changes");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var cts = new CancellationTokenSource(Deadline);
        using var response = await _server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        await _server.PutProfileAsync("acme", "alice", 0.1);
        var first = await NextEventAsync(reader, cts.Token);
        Assert.Equal(("item", "alice", "set"), (first.Event, first.Data.GetProperty("profile").GetString(), first.Data.GetProperty("kind").GetString()));

        await _server.PutProfileAsync("acme", "alice", 0.4);
        var second = await NextEventAsync(reader, cts.Token);
        Assert.Equal(0.4, second.Data.GetProperty("vector")[0].GetDouble());
        Assert.True(second.Data.GetProperty("version").GetInt64() > first.Data.GetProperty("version").GetInt64());

        response.Dispose();
        await Eventually.TrueAsync(() => _server.PendingWaiters == 0, Deadline, "the watch's waiter is removed when the client goes away");
    }

    [Fact]
    public async Task Ndjson_CurrentValuesThenChanges_ValueThatIsNotJson_ComesAsBase64()
    {
        await _server.Kv().SetAsync("raw/a", "{\"x\":1}"u8.ToArray());
        await _server.Kv().SetAsync("raw/b", new byte[] { 0xff, 0x00 });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/kv/watch") { Content = new StringContent("""{"prefix":"raw/"}""", System.Text.Encoding.UTF8, "application/json") };
        using var cts = new CancellationTokenSource(Deadline);
        using var response = await _server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        var a = JsonDocument.Parse((await reader.ReadLineAsync(cts.Token))!).RootElement;
        var b = JsonDocument.Parse((await reader.ReadLineAsync(cts.Token))!).RootElement;
        Assert.Equal(("raw/a", "current", 1), (a.GetProperty("key").GetString(), a.GetProperty("kind").GetString(), a.GetProperty("value").GetProperty("x").GetInt32()));
        Assert.Equal(("raw/b", "/wA="), (b.GetProperty("key").GetString(), b.GetProperty("value_base64").GetString()));

        Assert.True(await _server.Kv().DeleteAsync("raw/a"));
        var gone = JsonDocument.Parse((await reader.ReadLineAsync(cts.Token))!).RootElement;
        Assert.Equal(("raw/a", "deleted"), (gone.GetProperty("key").GetString(), gone.GetProperty("kind").GetString()));
        Assert.False(gone.TryGetProperty("value", out _));
    }

    [Fact]
    public async Task Sse_MissingPrefix_IsAnErrorEvent()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/kv/watch") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var cts = new CancellationTokenSource(Deadline);
        using var response = await _server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var error = await NextEventAsync(reader, cts.Token);
        Assert.Equal("error", error.Event);
        Assert.Equal("validation_failed", error.Data.GetProperty("error").GetProperty("code").GetString());
        await Eventually.TrueAsync(() => _server.PendingWaiters == 0, Deadline, "nothing pending after the error");
    }

    private static async Task<(string Event, JsonElement Data)> NextEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? name = null;
        string? data = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line["data: ".Length..];
            else if (line.Length == 0 && name is not null) return (name, JsonDocument.Parse(data ?? "{}").RootElement);
        }

        throw new InvalidOperationException("the event stream ended");
    }
}
