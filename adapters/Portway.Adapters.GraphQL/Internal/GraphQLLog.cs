using Microsoft.Extensions.Logging;
using Portway.Internal;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>Log events of the graphql adapter.</summary>
internal static partial class GraphQLLog
{
    [LoggerMessage(EventId = EventIds.GraphQLSchemaBuilt, Level = LogLevel.Information,
        Message = "GraphQL schema at {Path}: {Queries} query, {Mutations} mutation, {Subscriptions} subscription field(s)")]
    public static partial void SchemaBuilt(ILogger logger, string path, int queries, int mutations, int subscriptions);
}
