using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portway.Observability;
using Portway.Testing;

namespace Portway.Adapters.Tests.GraphQL;

internal static class GraphQLTestConfig
{
    public const string GraphQLResponse = "application/graphql-response+json";

    /// <summary>Two graphql interfaces: <c>/graphql</c> with defaults, <c>/graphql-tight</c> with small limits and a short deadline.</summary>
    public const string Yaml = """
        runtime:
          web:
            drain_timeout_ms: 2000
            interfaces:
              - kind: graphql
                path: /graphql
                max_body_bytes: 4096
                types:
                  Echo: { x: Int, s: String, f: Float, b: Boolean, id: ID, tags: "[String!]", inner: Inner }
                  Inner: { n: Int!, deeper: Inner }
                  Tick: { n: Int! }
                query:
                  echo: { pipeline: echo, args: { x: Int, s: String, f: Float, b: Boolean, id: ID, tags: "[String!]" }, returns: Echo }
                  fail: { pipeline: fail, args: { code: String!, message: String }, returns: Echo }
                  strict: { pipeline: echo, args: { x: Int! }, returns: "Echo!" }
                  mismatch: { pipeline: echo, args: { x: String }, returns: Echo }
                mutation:
                  put: { pipeline: echo, args: { s: String! }, returns: Echo }
                subscription:
                  ticks: { pipeline: ticks, args: { count: Int!, interval_ms: Int }, returns: Tick }
              - kind: graphql
                path: /graphql-tight
                timeout_ms: 1000
                max_depth: 3
                max_complexity: 4
                types:
                  Inner: { n: Int!, deeper: Inner }
                  Wrap: { inner: Inner, ms: Int }
                query:
                  wait: { pipeline: delay, args: { ms: Int! }, returns: Wrap }
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
          delay: { stages: [ { name: wait, node: sys.delay } ] }
          fail: { stages: [ { name: fail, node: sys.fail } ] }
          ticks: { stages: [ { name: ticks, node: sys.ticks } ] }
        """;

    public static async Task<(PortwayTestServer Server, RecordingEventSink Events)> StartAsync(string? yaml = null)
    {
        var sink = new RecordingEventSink();
        var server = await PortwayTestServer.StartAsync(yaml ?? Yaml, services => services.AddSingleton<IBoundaryEventSink>(sink));
        return (server, sink);
    }

    /// <summary>POSTs a GraphQL request; <paramref name="accept"/> null sends no Accept header.</summary>
    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string query, object? variables = null, string? accept = null, string path = "/graphql")
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object?> { ["query"] = query, ["variables"] = variables });
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (accept is not null)
        {
            request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        }

        return client.SendAsync(request);
    }

    public static async Task<JsonElement> BodyOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
