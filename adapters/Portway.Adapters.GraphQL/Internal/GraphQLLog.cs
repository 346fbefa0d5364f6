using Microsoft.Extensions.Logging;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>Log events of the graphql adapter.</summary>
internal static partial class GraphQLLog
{
    // Event ids 70x: the graphql adapter's range (the framework's ranges are listed in its EventIds).
    private const int SchemaBuiltId = 700;
    private const int WebSocketClosingId = 701;
    private const int OperationFailedId = 702;

    [LoggerMessage(EventId = SchemaBuiltId, Level = LogLevel.Information,
        Message = "GraphQL schema at {Path}: {Queries} query, {Mutations} mutation, {Subscriptions} subscription field(s)")]
    public static partial void SchemaBuilt(ILogger logger, string path, int queries, int mutations, int subscriptions);

    [LoggerMessage(EventId = WebSocketClosingId, Level = LogLevel.Debug,
        Message = "GraphQL WebSocket at {Path} closing with {Code} ({Reason}), request_id={RequestId}")]
    public static partial void WebSocketClosing(ILogger logger, string path, int code, string reason, string requestId);

    [LoggerMessage(EventId = OperationFailedId, Level = LogLevel.Error,
        Message = "GraphQL WebSocket operation failed unexpectedly, request_id={RequestId}")]
    public static partial void OperationFailed(ILogger logger, Exception exception, string requestId);
}
