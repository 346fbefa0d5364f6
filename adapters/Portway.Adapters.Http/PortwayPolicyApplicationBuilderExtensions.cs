using Microsoft.AspNetCore.Builder;

namespace Portway.Adapters.Http;

/// <summary>The middleware the boundary policies need in the request pipeline.</summary>
public static class PortwayPolicyApplicationBuilderExtensions
{
    /// <summary>
    /// Adds ASP.NET Core's CORS middleware (per-interface policies from <c>cors</c>; a preflight is answered here,
    /// without reaching a node). Call it before mapping the Portway endpoints.
    /// </summary>
    public static IApplicationBuilder UsePortwayPolicies(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseCors();
    }
}
