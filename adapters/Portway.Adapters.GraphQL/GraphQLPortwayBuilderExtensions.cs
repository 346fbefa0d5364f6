using System.Text.Encodings.Web;
using GraphQL;
using GraphQL.SystemTextJson;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portway.Adapters.GraphQL.Internal;
using Portway.Adapters.Http;

namespace Portway.Adapters.GraphQL;

/// <summary>Registers the graphql ingress adapter (graphql-dotnet).</summary>
public static class GraphQLPortwayBuilderExtensions
{
    /// <summary>
    /// Adds the graphql ingress: a schema per <c>kind: graphql</c> interface, built from the config at startup.
    /// Map it with <see cref="GraphQLEndpointRouteBuilderExtensions.MapPortwayGraphQL"/>.
    /// </summary>
    public static IPortwayBuilder AddPortwayGraphQL(this IPortwayBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton<IDocumentExecuter, DocumentExecuter>();
        // Relaxed escaping: responses are JSON documents, never embedded in HTML, so "'" stays "'" and not "\u0027".
        services.TryAddSingleton<IGraphQLTextSerializer>(_ => new GraphQLSerializer(
            options => options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, new PortwayErrorInfoProvider()));
        services.TryAddSingleton<GraphQLSchemaFactory>();
        services.TryAddSingleton<GraphQLEndpoints>();
        services.TryAddSingleton<GraphQLIngress>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPortwayEndpointSource, GraphQLEndpointSource>());
        return builder;
    }
}
