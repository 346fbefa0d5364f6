using Microsoft.AspNetCore.Cors.Infrastructure;
using Portway.Configuration;

namespace Portway.Adapters.Http.Internal.Policies;

/// <summary>One ASP.NET Core CORS policy per interface with <c>cors</c>, named by the interface's position.</summary>
internal static class CorsPolicies
{
    public static string Name(int interfaceIndex) => "portway-interface-" + interfaceIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static void AddTo(CorsOptions options, PortwayConfig config)
    {
        var interfaces = config.Runtime.Web.Interfaces;
        for (var i = 0; i < interfaces.Count; i++)
        {
            if (interfaces[i].Cors is not { } cors) continue;
            options.AddPolicy(Name(i), policy =>
            {
                if (cors.Origins.Contains("*")) policy.AllowAnyOrigin();
                else policy.WithOrigins([.. cors.Origins]);
                if (cors.Methods.Count == 0) policy.AllowAnyMethod();
                else policy.WithMethods([.. cors.Methods]);
                policy.WithHeaders([.. cors.EffectiveHeaders]);
                policy.WithExposedHeaders("x-request-id", "traceparent", "retry-after", "www-authenticate", "age");
                if (cors.Credentials) policy.AllowCredentials();
                policy.SetPreflightMaxAge(TimeSpan.FromSeconds(cors.MaxAgeS));
            });
        }
    }
}
