using Microsoft.Extensions.DependencyInjection;

namespace Portway;

/// <summary>Returned by <c>AddPortway()</c> and the adapters' <c>AddPortwayXxx()</c>, to chain more registrations.</summary>
public interface IPortwayBuilder
{
    /// <summary>The service collection being configured.</summary>
    IServiceCollection Services { get; }
}
