using Portway.Adapters.Http.Internal;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>The graphql-dotnet user context of one request: its correlation ids, seen by every resolver.</summary>
internal sealed class GraphQLCallContext(RequestCorrelation correlation) : Dictionary<string, object?>(StringComparer.Ordinal)
{
    public RequestCorrelation Correlation { get; } = correlation;
}
