using Microsoft.Extensions.DependencyInjection;
using Portway.Adapters.Timer.Internal;

namespace Portway.Adapters.Timer;

/// <summary>Registers the timer ingress: runs the pipelines of every <c>kind: timer</c> interface on their schedules.</summary>
public static class TimerPortwayBuilderExtensions
{
    /// <summary>Adds the timer ingress (a hosted service; idle when the config declares no timer interface).</summary>
    public static IPortwayBuilder AddPortwayTimer(this IPortwayBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!builder.Services.Any(d => d.ImplementationType == typeof(TimerIngress)))
        {
            builder.Services.AddHostedService<TimerIngress>();
        }

        return builder;
    }
}
