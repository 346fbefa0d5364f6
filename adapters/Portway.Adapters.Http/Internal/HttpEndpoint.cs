using Portway.Adapters.Http.Internal.Policies;
using Portway.Configuration;

namespace Portway.Adapters.Http.Internal;

/// <summary>One config http endpoint with what its requests need built once: its access policy and timeout.</summary>
internal sealed class HttpEndpoint(EndpointConfig config)
{
    public EndpointConfig Config { get; } = config;

    /// <summary>The endpoint's access rules; <see cref="AccessPolicy.IsOpen"/> when it has none (no policy work per request).</summary>
    public AccessPolicy Policy { get; } = AccessPolicy.For(config);

    public TimeSpan Timeout { get; } = TimeSpan.FromMilliseconds(config.TimeoutMs);
}
