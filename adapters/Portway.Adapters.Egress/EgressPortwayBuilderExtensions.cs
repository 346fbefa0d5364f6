using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portway.Adapters.Egress.Internal;
using Portway.Egress;
using Portway.Observability;

namespace Portway.Adapters.Egress;

/// <summary>Registers the egress adapter: the outbound HTTP and WebSocket clients of <c>runtime.egress</c>.</summary>
public static class EgressPortwayBuilderExtensions
{
    /// <summary>
    /// Adds the egress adapter as the runtime's <see cref="IPortwayEgress"/>: one resilient HTTP client per
    /// <c>runtime.egress.http</c> entry and one reconnecting WebSocket client per <c>runtime.egress.websocket</c>
    /// entry (connected at start), and their state in <c>/stats</c> (<c>"egress"</c>). A header secret that cannot be
    /// read stops startup. Idle when the config declares no egress.
    /// </summary>
    public static IPortwayBuilder AddPortwayEgress(this IPortwayBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(EgressHub)))
        {
            return builder;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<EgressHub>();
        services.Replace(ServiceDescriptor.Singleton<IPortwayEgress>(sp => sp.GetRequiredService<EgressHub>()));
        services.AddSingleton<IPortwayStatsSection>(sp => sp.GetRequiredService<EgressHub>());
        services.AddHostedService(sp => sp.GetRequiredService<EgressHub>());
        return builder;
    }
}
