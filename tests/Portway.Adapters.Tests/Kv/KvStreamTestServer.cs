using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Portway.Kv;
using Portway.Nodes;
using Portway.Testing;

namespace Portway.Adapters.Tests.Kv;

/// <summary>A host serving kv stream pipelines over HTTP (NDJSON/SSE), WebSocket and GraphQL, voice profiles on the memory kv.</summary>
internal static class KvStreamTestServer
{
    public const string Yaml = """
        runtime:
          platform:
            kv: { backend: memory }
            profile_store: kv
          web:
            interfaces:
              - kind: http
                binds: [request, response, kv_stream]
                endpoints:
                  - { route: "PUT /v1/tenants/{tenant}/profiles/{profile}", pipeline: profile_put }
                  - { route: "GET /v1/tenants/{tenant}/profile-changes", pipeline: profile_watch, timeout_ms: 300 }
                  - { route: "POST /v1/kv/watch", pipeline: kv_watch, timeout_ms: 300 }
              - kind: websocket
                binds: [stream, kv_stream]
                endpoints:
                  - route: /v1/ws
                    operations: { profile_watch: profile_watch, ticks: ticks }
                    timeout_ms: 300
                  - route: /v1/clock
                    operations: { ticks: ticks }
                    timeout_ms: 10000
                  - route: /v1/ws-slow
                    operations: { kv_watch: kv_watch }
                    send_queue_limit: 4
                    timeout_ms: 500
              - kind: graphql
                binds: [request, response, kv_stream]
                path: /graphql
                # also the time a client has for connection_init (real time): 300 ms failed under CI load (4408)
                timeout_ms: 1500
                types:
                  ProfileChange: { tenant: String!, profile: String!, kind: String!, version: Float!, vector: "[Float!]" }
                  Profile: { tenant: String!, profile: String!, vector: "[Float!]!" }
                query:
                  profile: { pipeline: profile_get, args: { tenant: String!, profile: String! }, returns: Profile }
                subscription:
                  profile_changes: { pipeline: profile_watch, args: { tenant: String! }, returns: ProfileChange }
        pipelines:
          profile_put: { stages: [ { name: put, node: voice.profile_put } ] }
          profile_get: { stages: [ { name: get, node: voice.profile_get } ] }
          profile_watch: { stages: [ { name: watch, node: voice.profile_watch } ] }
          kv_watch: { stages: [ { name: watch, node: test.kv_watch } ] }
          ticks: { stages: [ { name: ticks, node: sys.ticks } ] }
        """;

    public static Task<PortwayTestServer> StartAsync(RecordingEventSink? events = null)
    {
        var result = Portway.Configuration.PortwayConfigLoader.Load(Yaml, "test.yaml",
            [.. TestConfig.KnownNodes, "test.kv_watch"], [.. Portway.Host.KnownNodes.StreamNames, "test.kv_watch"], [.. Portway.Host.KnownNodes.KvStreamNames, "test.kv_watch"]);
        var config = result.Config ?? throw new InvalidOperationException(string.Join("\n", result.Problems));
        return PortwayTestServer.StartAsync(config, services =>
        {
            services.AddSingleton(new NodeRegistration("test.kv_watch", typeof(PrefixWatchNode)));
            if (events is not null) services.AddSingleton<Portway.Observability.IBoundaryEventSink>(events);
        });
    }

    /// <summary>
    /// Waits until at least <paramref name="quiet"/> has passed, measured by a tick stream on its own socket (a
    /// signal from the server's clock, not a sleep): the proof that a watch outlived its endpoint's timeout_ms.
    /// </summary>
    public static async Task LetTimePassAsync(this PortwayTestServer server, TimeSpan quiet)
    {
        await using var clock = await WebSocket.WsClient.ConnectAsync(server.BaseAddress, "/v1/clock");
        var ms = (int)quiet.TotalMilliseconds;
        await clock.SendAsync("{\"id\":\"c\",\"op\":\"ticks\",\"payload\":{\"count\":2,\"interval_ms\":" + ms.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}");
        Assert.Equal("item", (await clock.ReceiveJsonAsync()).GetProperty("type").GetString());
        Assert.Equal("item", (await clock.ReceiveJsonAsync()).GetProperty("type").GetString());
    }

    public static IKvStore Kv(this PortwayTestServer server) => server.Services.GetRequiredService<IKvStore>();

    /// <summary>Puts a profile through the HTTP endpoint (the node, not the store).</summary>
    public static async Task PutProfileAsync(this PortwayTestServer server, string tenant, string profile, double first)
    {
        var body = $$"""{"vector":[{{first.ToString(System.Globalization.CultureInfo.InvariantCulture)}},0.1,0.2,0.3,0.4,0.5,0.6,0.7]}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await server.Client.PutAsync($"/v1/tenants/{tenant}/profiles/{profile}", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
