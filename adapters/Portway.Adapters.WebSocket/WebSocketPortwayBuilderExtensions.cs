using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portway.Adapters.WebSocket.Internal;

namespace Portway.Adapters.WebSocket;

/// <summary>Registers the websocket ingress adapter.</summary>
public static class WebSocketPortwayBuilderExtensions
{
    /// <summary>Adds the websocket ingress; map its endpoints with <see cref="PortwayWebSocketEndpointRouteBuilderExtensions.MapPortwayWebSocket"/>.</summary>
    public static IPortwayBuilder AddPortwayWebSocket(this IPortwayBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<WebSocketIngress>();
        builder.Services.TryAddSingleton<WebSocketConnections>();
        return builder;
    }
}
