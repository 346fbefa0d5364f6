using Portway.Adapters.Http;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>The graphql-dotnet user context of one request or subscription: its correlation ids, seen by every resolver.</summary>
internal sealed class GraphQLCallContext(RequestCorrelation correlation) : Dictionary<string, object?>(StringComparer.Ordinal)
{
    public RequestCorrelation Correlation { get; } = correlation;

    /// <summary>The caller and the per-field policy check.</summary>
    public GraphQLAccess Access { get; init; } = GraphQLAccess.Anonymous;

    /// <summary>
    /// For subscriptions: completes when the transport can take one more message. A stream's pump awaits it before
    /// each item, so a slow client slows the producer (through the stream waiter's bounded buffer) instead of
    /// queueing without bound. Null over plain HTTP.
    /// </summary>
    public Func<CancellationToken, ValueTask>? WaitForSendRoom { get; init; }
}
