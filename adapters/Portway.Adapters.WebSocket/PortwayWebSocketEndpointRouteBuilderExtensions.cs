using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Portway.Adapters.WebSocket.Internal;
using Portway.Configuration;

namespace Portway.Adapters.WebSocket;

/// <summary>Maps the config's websocket endpoints; no endpoint has handler code of its own.</summary>
public static class PortwayWebSocketEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps every endpoint of every <c>kind: websocket</c> interface in the config at its path, each behind the
    /// ASP.NET Core WebSocket middleware (HTTP/1.1 upgrade, and HTTP/2 extended CONNECT).
    /// </summary>
    public static IEndpointRouteBuilder MapPortwayWebSocket(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        MapEndpoints(endpoints);
        return endpoints;
    }

    internal static void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var config = services.GetRequiredService<PortwayConfig>();
        var ingress = services.GetRequiredService<WebSocketIngress>();
        foreach (var (endpoint, origins) in config.Runtime.Web.Interfaces.Where(i => i.Kind == "websocket")
            .SelectMany(i => i.Endpoints.Select(e => (e, (IReadOnlyList<string>)i.CorsOrigins))))
        {
            var pipeline = endpoints.CreateApplicationBuilder().UseWebSockets();
            pipeline.Run(context => ingress.HandleAsync(context, endpoint, origins));
            var handler = pipeline.Build();
            endpoints.Map(endpoint.Path, handler).WithDisplayName("portway websocket " + endpoint.Path);
        }
    }
}
