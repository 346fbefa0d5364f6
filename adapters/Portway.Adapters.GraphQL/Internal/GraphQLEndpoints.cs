using Microsoft.Extensions.Logging;
using Portway.Configuration;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>Every graphql interface of the config, with its schema; built once, at startup.</summary>
internal sealed class GraphQLEndpoints
{
    public GraphQLEndpoints(PortwayConfig config, GraphQLSchemaFactory factory, ILogger<GraphQLEndpoints> logger)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(factory);
        All = [.. config.Runtime.Web.Interfaces.Where(i => i.Kind == "graphql").Select(i =>
        {
            var endpoint = new GraphQLEndpoint(i, factory.Build(i));
            GraphQLLog.SchemaBuilt(logger, i.Path, i.Query.Count, i.Mutation.Count, i.Subscription.Count);
            return endpoint;
        })];
    }

    public IReadOnlyList<GraphQLEndpoint> All { get; }
}
