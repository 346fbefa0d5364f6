using Portway.Configuration;
using Portway.Testing;

namespace Portway.Adapters.Tests.GraphQL;

public sealed class GraphQLSchemaTests
{
    private const string Pipelines = """
        pipelines:
          echo: { stages: [ { name: echo, node: sys.echo } ] }
          ticks: { stages: [ { name: ticks, node: sys.ticks } ] }
        """;

    [Fact]
    public async Task PipelineKindMismatch_NotCaughtByLoader_StopsStartup()
    {
        var yaml = """
            runtime:
              web:
                interfaces:
                  - kind: graphql
                    types: { Tick: { n: Int! } }
                    query:
                      now: { pipeline: ticks, returns: Tick }
                    subscription:
                      more: { pipeline: echo, returns: Tick }
            """ + "\n" + Pipelines;

        // Loaded without the stream node names (as a host embedding the runtime might): startup is the backstop.
        var config = PortwayConfigLoader.Load(yaml, "test.yaml", TestConfig.KnownNodes).Config!;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PortwayTestServer.StartAsync(config));

        Assert.Contains("query field 'now' names the stream pipeline 'ticks'; declare it under subscription", error.Message, StringComparison.Ordinal);
        Assert.Contains("subscription field 'more' names 'echo', which is not a stream pipeline", error.Message, StringComparison.Ordinal);
    }
}
