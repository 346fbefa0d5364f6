using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Portway.Adapters.Http;

/// <summary>The middleware the boundary policies need in the request pipeline.</summary>
public static class PortwayPolicyApplicationBuilderExtensions
{
    /// <summary>
    /// Adds ASP.NET Core's CORS middleware (per-interface policies from <c>cors</c>; a preflight is answered here,
    /// without reaching a node). Call it before mapping the Portway endpoints.
    /// </summary>
    /// <remarks>
    /// The middleware runs only for a request that carries an <c>Origin</c> header (every CORS request, preflight or
    /// not, does) or whose endpoint has CORS metadata (so the endpoint middleware sees CORS handled); any other request
    /// skips it, and with it the per-request service scope its policy provider is resolved from.
    /// </remarks>
    public static IApplicationBuilder UsePortwayPolicies(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseWhen(NeedsCors, branch => branch.UseCors());
    }

    private static bool NeedsCors(HttpContext context) =>
        context.Request.Headers.Origin.Count > 0 || context.GetEndpoint()?.Metadata.GetMetadata<ICorsMetadata>() is not null;
}
