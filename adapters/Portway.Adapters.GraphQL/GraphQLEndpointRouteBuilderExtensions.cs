using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Portway.Adapters.GraphQL.Internal;
using Portway.Adapters.Http;
using Portway.Configuration;

namespace Portway.Adapters.GraphQL;

/// <summary>Maps the config's graphql interfaces.</summary>
public static class GraphQLEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps each <c>kind: graphql</c> interface at its <c>path</c>: GET and POST, and the WebSocket upgrade for
    /// <c>graphql-transport-ws</c> (behind the ASP.NET Core WebSocket middleware, on this endpoint only), with the
    /// interface's <c>cors</c> for browsers over HTTP.
    /// Builds the schemas now, so a bad one stops startup.
    /// </summary>
    public static IEndpointRouteBuilder MapPortwayGraphQL(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        MapEndpoints(endpoints);
        return endpoints;
    }

    internal static void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var ingress = services.GetRequiredService<GraphQLIngress>();
        var config = services.GetRequiredService<PortwayConfig>();
        foreach (var endpoint in services.GetRequiredService<GraphQLEndpoints>().All)
        {
            var pipeline = endpoints.CreateApplicationBuilder().UseWebSockets();
            pipeline.Run(context => ingress.HandleAsync(context, endpoint));
            endpoints.Map(endpoint.Path, pipeline.Build()).WithDisplayName("portway graphql " + endpoint.Path)
                .RequirePortwayCors(config, endpoint.Config); // the interface's cors: a browser's preflight is answered before the ingress
        }
    }
}
