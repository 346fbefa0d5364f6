using Microsoft.Extensions.Logging;
using Portway.Internal;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>Log events of the graphql adapter.</summary>
internal static partial class GraphQLLog
{
    [LoggerMessage(EventId = EventIds.GraphQLSchemaBuilt, Level = LogLevel.Information,
        Message = "GraphQL schema at {Path}: {Queries} query, {Mutations} mutation, {Subscriptions} subscription field(s)")]
    public static partial void SchemaBuilt(ILogger logger, string path, int queries, int mutations, int subscriptions);

    [LoggerMessage(EventId = EventIds.GraphQLWebSocketClosing, Level = LogLevel.Debug,
        Message = "GraphQL WebSocket at {Path} closing with {Code} ({Reason}), request_id={RequestId}")]
    public static partial void WebSocketClosing(ILogger logger, string path, int code, string reason, string requestId);

    [LoggerMessage(EventId = EventIds.GraphQLOperationFailed, Level = LogLevel.Error,
        Message = "GraphQL WebSocket operation failed unexpectedly, request_id={RequestId}")]
    public static partial void OperationFailed(ILogger logger, Exception exception, string requestId);
}
