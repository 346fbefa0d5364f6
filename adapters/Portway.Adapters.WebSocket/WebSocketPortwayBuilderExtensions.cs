using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portway.Adapters.Http;
using Portway.Adapters.WebSocket.Internal;

namespace Portway.Adapters.WebSocket;

/// <summary>Registers the websocket ingress adapter.</summary>
public static class WebSocketPortwayBuilderExtensions
{
    /// <summary>Adds the websocket ingress; <c>MapPortway()</c> maps its endpoints (or <see cref="PortwayWebSocketEndpointRouteBuilderExtensions.MapPortwayWebSocket"/> alone).</summary>
    public static IPortwayBuilder AddPortwayWebSocket(this IPortwayBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<WebSocketIngress>();
        builder.Services.TryAddSingleton<WebSocketConnections>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPortwayEndpointSource, WebSocketEndpointSource>());
        return builder;
    }
}
