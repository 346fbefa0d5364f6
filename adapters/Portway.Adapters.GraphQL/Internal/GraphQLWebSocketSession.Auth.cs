using Portway.Adapters.Http;

namespace Portway.Adapters.GraphQL.Internal;

internal sealed partial class GraphQLWebSocketSession
{
    /// <summary>
    /// Authenticates <c>connection_init</c>'s token. A token that is not valid, or none when every field needs one,
    /// closes the connection with 4403 Forbidden; otherwise the connection is acknowledged and its operations run
    /// as that caller (they wait for this to finish).
    /// </summary>
    private async Task<GraphQLAccess> InitAsync(string? token)
    {
        var policies = Policies!;
        var outcome = token is null ? AuthOutcome.Missing : await policies.ValidateTokenAsync(token).ConfigureAwait(false);
        if (outcome.Identity is null && (token is not null || GraphQLAccess.EveryFieldRequiresAuth(_endpoint.Config)))
        {
            policies.CountRejection("auth");
            RequestClose(GraphQLWsCloseCodes.Forbidden, "Forbidden: " + outcome.Failure);
            return GraphQLAccess.Anonymous;
        }

        Enqueue(Message("connection_ack", null));
        return new GraphQLAccess(policies, outcome.Identity ?? CallerIdentity.Anonymous, outcome.ExpiresAt, Client);
    }
}
