using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portway.Host;

/// <summary>What the caller of <see cref="PortwayApp.Build"/> may change: the listen URL and extra registrations.</summary>
internal sealed class PortwayAppOptions
{
    /// <summary>Overrides <c>runtime.web.listen</c> (the <c>--urls</c> option).</summary>
    public string? Urls { get; init; }

    /// <summary>Extra service registrations, after Portway's (tests add event sinks, a fake clock...).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>Extra logging set-up.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }
}
