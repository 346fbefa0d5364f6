using Microsoft.Extensions.DependencyInjection;

namespace Portway.Internal;

internal sealed class PortwayBuilder(IServiceCollection services) : IPortwayBuilder
{
    public IServiceCollection Services { get; } = services;
}
