using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Portway.Samples.Greetings;

/// <summary>Registers the sample's nodes and what they need, once.</summary>
public static class GreetingNodes
{
    /// <summary>Adds <c>greetings.greet</c> and <c>greetings.countdown</c> to the node catalog.</summary>
    public static IPortwayBuilder AddGreetings(this IPortwayBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<GreetingCounter>();
        builder.Services.AddOptions<GreetingOptions>();
        return builder.AddNode<GreetNode>().AddNode<CountdownNode>();
    }
}
