using Microsoft.AspNetCore.Routing;
using Portway.Adapters.Http;

namespace Portway.Adapters.WebSocket.Internal;

/// <summary>The websocket endpoints, for <c>MapPortway()</c>.</summary>
internal sealed class WebSocketEndpointSource : IPortwayEndpointSource
{
    public void MapEndpoints(IEndpointRouteBuilder endpoints) => PortwayWebSocketEndpointRouteBuilderExtensions.MapEndpoints(endpoints);
}
