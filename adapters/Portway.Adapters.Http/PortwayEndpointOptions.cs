namespace Portway.Adapters.Http;

/// <summary>How <see cref="PortwayEndpointRouteBuilderExtensions.MapPortway"/> maps Portway's endpoints.</summary>
public sealed class PortwayEndpointOptions
{
    /// <summary>
    /// Answer every request no endpoint of the app matched with Portway's <c>not_found</c> error body. Defaults to
    /// false: an app of your own keeps its own 404s.
    /// </summary>
    public bool NotFoundFallback { get; set; }
}
