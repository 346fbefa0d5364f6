using Microsoft.AspNetCore.Builder;
using Portway.Adapters.Http.Internal.Policies;
using Portway.Configuration;

namespace Portway.Adapters.Http;

/// <summary>Applies an interface's <c>cors</c> to the endpoints an adapter maps for it.</summary>
public static class PortwayCorsEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Requires the CORS policy that <see cref="HttpPortwayBuilderExtensions.AddPortwayHttp"/> registered for
    /// <paramref name="iface"/>'s <c>cors</c> (origins, methods, headers, credentials, max age) on the endpoints of
    /// <paramref name="builder"/>: ASP.NET Core's CORS middleware (see
    /// <see cref="PortwayPolicyApplicationBuilderExtensions.UsePortwayPolicies"/>) then answers their preflights without
    /// reaching the adapter and adds the headers to their answers. Nothing when the interface has no <c>cors</c>.
    /// </summary>
    public static TBuilder RequirePortwayCors<TBuilder>(this TBuilder builder, PortwayConfig config, InterfaceConfig iface)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(iface);
        if (iface.Cors is null) return builder;
        var index = config.Runtime.Web.Interfaces.IndexOf(iface);
        if (index < 0) throw new ArgumentException("the interface is not one of the config's runtime.web.interfaces", nameof(iface));
        return builder.RequireCors(CorsPolicies.Name(index));
    }
}
