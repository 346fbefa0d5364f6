using Microsoft.AspNetCore.Routing;

namespace Portway.Adapters.Http;

/// <summary>
/// An ingress adapter's endpoints, mapped by <see cref="PortwayEndpointRouteBuilderExtensions.MapPortway"/> into
/// Portway's one route group (so the group's conventions reach them). Register with
/// <c>services.TryAddEnumerable(ServiceDescriptor.Singleton&lt;IPortwayEndpointSource, T&gt;())</c>.
/// </summary>
public interface IPortwayEndpointSource
{
    /// <summary>Maps the adapter's endpoints on <paramref name="endpoints"/> (Portway's group).</summary>
    void MapEndpoints(IEndpointRouteBuilder endpoints);
}
