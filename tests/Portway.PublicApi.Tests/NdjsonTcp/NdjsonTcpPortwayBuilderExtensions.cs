using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Portway.PublicApi.Tests.NdjsonTcp;

/// <summary>Registers the NDJSON TCP ingress, as a third party's adapter package would.</summary>
public static class NdjsonTcpPortwayBuilderExtensions
{
    public static IPortwayBuilder AddNdjsonTcpIngress(this IPortwayBuilder builder, Action<NdjsonTcpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.TryAddSingleton<NdjsonTcpIngress>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NdjsonTcpIngress>());
        return builder;
    }
}
