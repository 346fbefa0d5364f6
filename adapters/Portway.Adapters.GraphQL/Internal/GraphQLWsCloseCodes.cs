namespace Portway.Adapters.GraphQL.Internal;

/// <summary>The close codes of the <c>graphql-transport-ws</c> protocol (and the two RFC 6455 ones the adapter uses).</summary>
internal static class GraphQLWsCloseCodes
{
    /// <summary>A message that is not valid JSON, has no known <c>type</c>, or lacks a required field.</summary>
    public const int BadRequest = 4400;
    /// <summary>A <c>subscribe</c> before the connection was acknowledged.</summary>
    public const int Unauthorized = 4401;
    /// <summary>The <c>connection_init</c> token was refused (or missing where every field needs one).</summary>
    public const int Forbidden = 4403;
    /// <summary>The client did not ask for the <c>graphql-transport-ws</c> subprotocol.</summary>
    public const int SubprotocolNotAcceptable = 4406;
    /// <summary>No <c>connection_init</c> within the interface's <c>timeout_ms</c>.</summary>
    public const int ConnectionInitTimeout = 4408;
    /// <summary>A <c>subscribe</c> with the id of an operation still running.</summary>
    public const int SubscriberAlreadyExists = 4409;
    /// <summary>A second <c>connection_init</c>.</summary>
    public const int TooManyInitialisationRequests = 4429;
    /// <summary>RFC 6455 1009: a message over <c>max_body_bytes</c>.</summary>
    public const int MessageTooBig = 1009;
    /// <summary>RFC 6455 1013: the client reads too slowly (the send queue is full).</summary>
    public const int TryAgainLater = 1013;
    /// <summary>RFC 6455 1001: the server is going away (drained).</summary>
    public const int GoingAway = 1001;
}
