using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portway.Adapters.Http.Internal;
using Portway.Adapters.Http.Internal.Dashboard;
using Portway.Adapters.Http.Internal.Policies;
using Portway.Configuration;
using Portway.Policies;

namespace Portway.Adapters.Http;

/// <summary>Registers the http ingress adapter.</summary>
public static class HttpPortwayBuilderExtensions
{
    /// <summary>
    /// Adds the http ingress and its boundary policies (JwtBearer authentication, rate limits, the output cache
    /// store, CORS); map its endpoints with <see cref="PortwayEndpointRouteBuilderExtensions.MapPortwayHttp"/>.
    /// </summary>
    public static IPortwayBuilder AddPortwayHttp(this IPortwayBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton<HttpIngress>();
        services.TryAddSingleton<BuiltinEndpoints>();
        services.TryAddSingleton<DashboardEndpoints>();
        services.TryAddSingleton<JwtAuthenticator>();
        services.TryAddSingleton<RateLimits>();
        services.TryAddSingleton<PolicyStats>();
        services.TryAddSingleton<BoundaryPolicies>();
        // The response cache's store: the shared one (IResponseCacheStore, e.g. Redis) when registered, else ASP.NET Core's in memory.
        services.TryAddSingleton(sp => new ResponseCache(
            sp.GetService<IResponseCacheStore>() is { } shared ? new SharedOutputCacheStore(shared) : sp.GetRequiredService<IOutputCacheStore>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<PolicyStats>()));
        services.TryAddSingleton<CacheClearEndpoint>();
        services.RemoveAll<ITokenIssuer>();
        services.AddSingleton<ITokenIssuer>(sp => sp.GetRequiredService<JwtAuthenticator>());
        services.AddAuthentication().AddJwtBearer(JwtAuthenticator.Scheme, _ => { });
        services.AddOptions<JwtBearerOptions>(JwtAuthenticator.Scheme).Configure<JwtAuthenticator>((options, auth) => auth.Configure(options));
        services.AddOutputCache();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<PortwayConfig>(CorsPolicies.AddTo);
        return builder;
    }
}
