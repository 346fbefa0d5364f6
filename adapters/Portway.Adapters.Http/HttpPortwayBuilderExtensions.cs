using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portway.Adapters.Http.Internal;

namespace Portway.Adapters.Http;

/// <summary>Registers the http ingress adapter.</summary>
public static class HttpPortwayBuilderExtensions
{
    /// <summary>Adds the http ingress; map its endpoints with <see cref="PortwayEndpointRouteBuilderExtensions.MapPortwayHttp"/>.</summary>
    public static IPortwayBuilder AddPortwayHttp(this IPortwayBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<HttpIngress>();
        builder.Services.TryAddSingleton<BuiltinEndpoints>();
        return builder;
    }
}
