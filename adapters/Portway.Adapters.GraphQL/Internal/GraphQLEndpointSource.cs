using Microsoft.AspNetCore.Routing;
using Portway.Adapters.Http;

namespace Portway.Adapters.GraphQL.Internal;

/// <summary>The graphql endpoints, for <c>MapPortway()</c>.</summary>
internal sealed class GraphQLEndpointSource : IPortwayEndpointSource
{
    public void MapEndpoints(IEndpointRouteBuilder endpoints) => GraphQLEndpointRouteBuilderExtensions.MapEndpoints(endpoints);
}
