using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Portway.Adapters.Http.Internal;
using Portway.Adapters.Http.Internal.Dashboard;
using Portway.Adapters.Http.Internal.Policies;
using Portway.Configuration;

namespace Portway.Adapters.Http;

/// <summary>Maps the config's endpoints; no endpoint has handler code of its own.</summary>
public static class PortwayEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps all of Portway's endpoints in one route group: every registered adapter's (<see cref="IPortwayEndpointSource"/>:
    /// websocket, graphql), the config's http endpoints, and the built-in health and stats endpoints (unless disabled).
    /// Returns the group's convention builder: <c>.RequireAuthorization()</c>, rate limiting, CORS or OpenAPI metadata
    /// apply to Portway's endpoints only. The <c>not_found</c> fallback is opt-in (<see cref="PortwayEndpointOptions.NotFoundFallback"/>).
    /// </summary>
    public static IEndpointConventionBuilder MapPortway(this IEndpointRouteBuilder endpoints, Action<PortwayEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = new PortwayEndpointOptions();
        configure?.Invoke(options);
        var services = endpoints.ServiceProvider;
        var group = endpoints.MapGroup("");
        foreach (var source in services.GetServices<IPortwayEndpointSource>())
        {
            source.MapEndpoints(group);
        }

        MapHttpEndpoints(group);
        if (options.NotFoundFallback)
        {
            group.MapFallback(services.GetRequiredService<HttpIngress>().NotFoundAsync).WithDisplayName("portway not found");
        }

        return group;
    }

    /// <summary>
    /// Maps every endpoint of every <c>kind: http</c> interface in the config, the built-in health and
    /// stats endpoints (unless disabled), and a fallback that answers <c>not_found</c> in the error format.
    /// </summary>
    /// <remarks>The whole-app fallback this maps is what <see cref="MapPortway"/> makes opt-in.</remarks>
    public static IEndpointRouteBuilder MapPortwayHttp(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        MapHttpEndpoints(endpoints);
        endpoints.MapFallback(endpoints.ServiceProvider.GetRequiredService<HttpIngress>().NotFoundAsync);
        return endpoints;
    }

    private static void MapHttpEndpoints(IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var config = services.GetRequiredService<PortwayConfig>();
        var ingress = services.GetRequiredService<HttpIngress>();
        var builtins = services.GetRequiredService<BuiltinEndpoints>();

        var interfaces = config.Runtime.Web.Interfaces;
        var sets = interfaces
            .Select((iface, index) => (iface, index))
            .Where(i => i.iface.Kind == "http")
            .SelectMany(i => i.iface.Endpoints.Select(e => (Endpoint: e, Cors: i.iface.Cors is null ? null : CorsPolicies.Name(i.index))))
            .GroupBy(e => e.Endpoint.Path, StringComparer.OrdinalIgnoreCase)
            .Select(g => (Set: new HttpEndpointSet(g.Key, g.Select(e => e.Endpoint)), g.First().Cors));
        foreach (var (set, cors) in sets)
        {
            var mapped = endpoints.Map(set.Path, context => ingress.HandleAsync(context, set)).WithDisplayName("portway " + set.Path);
            if (cors is not null) mapped.RequireCors(cors);
        }

        var web = config.Runtime.Web;
        if (web.CacheClear.Enabled && web.Auth.Jwt is not null && interfaces.Any(i => i.Endpoints.Any(e => e.Cache is not null)))
        {
            var clear = services.GetRequiredService<CacheClearEndpoint>();
            endpoints.MapPost(web.CacheClear.Path, clear.HandleAsync).WithDisplayName("portway cache clear");
        }

        if (web.Health.Enabled)
        {
            endpoints.Map(web.Health.Path, GetOnly(ingress, web.Health.Path, builtins.HealthAsync)).WithDisplayName("portway health");
        }

        if (web.Ready.Enabled)
        {
            endpoints.Map(web.Ready.Path, GetOnly(ingress, web.Ready.Path, builtins.ReadyAsync)).WithDisplayName("portway ready");
        }

        if (web.OpenApi.Enabled)
        {
            endpoints.Map(web.OpenApi.Path, GetOnly(ingress, web.OpenApi.Path, builtins.OpenApiAsync)).WithDisplayName("portway openapi");
        }

        if (web.Stats.Enabled)
        {
            endpoints.Map(web.Stats.Path, GetOnly(ingress, web.Stats.Path, builtins.StatsAsync)).WithDisplayName("portway stats");
        }

        if (web.Dashboard.Enabled)
        {
            MapDashboard(endpoints, ingress, web.Dashboard.Path, services.GetRequiredService<DashboardEndpoints>());
        }
    }

    /// <summary>The dashboard page, its script and style, its JSON snapshot and its live feed (server-sent events).</summary>
    private static void MapDashboard(IEndpointRouteBuilder endpoints, HttpIngress ingress, string path, DashboardEndpoints dashboard)
    {
        foreach (var (route, handler) in new (string, RequestDelegate)[]
        {
            (path, dashboard.PageAsync),
            (DashboardRoutes.Combine(path, DashboardRoutes.Script), dashboard.ScriptAsync),
            (DashboardRoutes.Combine(path, DashboardRoutes.Style), dashboard.StyleAsync),
            (DashboardRoutes.Combine(path, DashboardRoutes.Snapshot), dashboard.SnapshotAsync),
            (DashboardRoutes.Combine(path, DashboardRoutes.Events), dashboard.EventsAsync),
        })
        {
            endpoints.Map(route, GetOnly(ingress, route, handler)).WithDisplayName("portway dashboard " + route);
        }
    }

    /// <summary>A built-in endpoint answers GET and HEAD; any other method is 405 with <c>Allow</c>, not the fallback's 404.</summary>
    private static RequestDelegate GetOnly(HttpIngress ingress, string path, RequestDelegate handler) => context =>
        HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
            ? handler(context)
            : ingress.MethodNotAllowedAsync(context, path, "GET, HEAD");
}
