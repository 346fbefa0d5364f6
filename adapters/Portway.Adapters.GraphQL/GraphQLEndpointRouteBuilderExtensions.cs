using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Portway.Adapters.GraphQL.Internal;

namespace Portway.Adapters.GraphQL;

/// <summary>Maps the config's graphql interfaces.</summary>
public static class GraphQLEndpointRouteBuilderExtensions
{
    /// <summary>Maps each <c>kind: graphql</c> interface at its <c>path</c> (GET and POST); builds the schemas now, so a bad one stops startup.</summary>
    public static IEndpointRouteBuilder MapPortwayGraphQL(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var ingress = services.GetRequiredService<GraphQLIngress>();
        foreach (var endpoint in services.GetRequiredService<GraphQLEndpoints>().All)
        {
            endpoints.Map(endpoint.Path, context => ingress.HandleAsync(context, endpoint)).WithDisplayName("portway graphql " + endpoint.Path);
        }

        return endpoints;
    }
}
